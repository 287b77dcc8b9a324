"""Yiwang's URLs plus the bare lookup: the same indexed query as the gateway, without credential,
policy, counters, access log or audit — the baseline the gateway's overhead is measured against."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from yiwang.exchange.models import DataResource, DataRow
from yiwang.exchange.rows import key_index, normalize_lookup_key, unseal
from yiwang.urls import urlpatterns as yiwang_urlpatterns


def bare_lookup(request: HttpRequest) -> JsonResponse:
    resource = DataResource.objects.only("pk", "code", "key_kind", "current_version").get(code=request.GET["resource"])
    value = normalize_lookup_key(resource.key_kind, request.GET.get("key", ""))
    row = (DataRow.objects.filter(resource=resource, version=resource.current_version,
                                  key_index=key_index(resource.key_kind, value)).values_list("values", "sealed").first())
    data = {}
    if row is not None:
        data = dict(row[0])
        data.update(unseal(row[1], context=resource.seal_context))
        wanted = request.GET.get("fields", "").split(",")
        data = {k: v for k, v in data.items() if k in wanted}
    return JsonResponse({"found": row is not None, "data": data}, json_dumps_params={"ensure_ascii": False})


urlpatterns = [path("bench/exchange/bare", bare_lookup), *yiwang_urlpatterns]
