"""Document download for API clients (bearer token or session): the same rule as the site's."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema

from yiwang.cases.documents import document_for_viewer
from yiwang.core.schemas import ERRORS  # the one error shape (yiwang.core.schemas)

router = Router(tags=["cases"])


class DocumentOut(Schema):
    kind: str
    name: str
    url: str
    sha256: str


@router.get("/documents/{document_id}", response={**ERRORS},
            openapi_extra={"responses": {200: {"description": "The signed PDF", "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}})
def download_document(request: HttpRequest, document_id: int) -> FileResponse:
    """The signed PDF (receipt, notice or decision letter) of a case you may see; 404 otherwise.
    The ``X-Content-SHA256`` header repeats the digest listed with the case."""
    document = document_for_viewer(request.user, document_id)
    response = FileResponse(document.file.open("rb"), content_type="application/pdf",
                            filename=f"{document.case.number}-{document.title}.pdf")
    response["X-Content-SHA256"] = document.sha256
    return response
