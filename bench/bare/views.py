"""The baseline: a plain Django view that inserts and commits one row and answers with JSON."""

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bench.bare.models import BenchRow


@csrf_exempt
@require_POST
def insert_row(request: HttpRequest) -> JsonResponse:
    with transaction.atomic():
        row = BenchRow.objects.create(payload=request.body[:100].decode("utf-8", "replace"))
    return JsonResponse({"id": row.pk}, status=201)
