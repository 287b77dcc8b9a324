"""Document download for API clients (bearer token or session): the same rule as the site's."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema

from yiwang.cases.documents import document_for_viewer

router = Router(tags=["cases"])


class ErrorOut(Schema):
    code: str
    message: str
    details: dict


class DocumentOut(Schema):
    kind: str
    name: str
    url: str
    sha256: str


@router.get("/documents/{document_id}", response={401: ErrorOut, 404: ErrorOut})
def download_document(request: HttpRequest, document_id: int) -> FileResponse:
    """The signed PDF (receipt, notice or decision letter) of a case you may see; 404 otherwise.
    The ``X-Content-SHA256`` header repeats the digest listed with the case."""
    document = document_for_viewer(request.user, document_id)
    response = FileResponse(document.file.open("rb"), content_type="application/pdf",
                            filename=f"{document.case.number}-{document.title}.pdf")
    response["X-Content-SHA256"] = document.sha256
    return response
