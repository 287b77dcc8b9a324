"""Every uploaded or derived file (materials, BPMN, DMN, dataset files, exports) leaves the site as
a download, never as a page of the site's origin.

``Content-Disposition: attachment`` makes the browser save it; a content type from a short list of
inert types (anything else is ``application/octet-stream``) and ``X-Content-Type-Options: nosniff``
(SecurityMiddleware, on every response) stop it being read as HTML; and a CSP ``sandbox`` with
``default-src 'none'`` means that even a browser that shows it inline runs nothing in a unique
origin. ``fetch()`` from the site's own pages still reads it (the guide's bpmn-js viewer does).
"""

from __future__ import annotations

from typing import IO, TypeVar

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

SAFE_TYPES = frozenset({
    "application/pdf", "image/jpeg", "image/png", "application/ofd", "text/csv", "text/plain",
    "application/json", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip",
})
SANDBOX = "sandbox; default-src 'none'"


def safe_content_type(content_type: str) -> str:
    base = (content_type or "").split(";", 1)[0].strip().lower()
    if base not in SAFE_TYPES:
        return "application/octet-stream"
    return f"{base}; charset=utf-8" if base.startswith("text/") or base == "application/json" else base


R = TypeVar("R", bound=HttpResponseBase)


def _harden(response: R) -> R:
    response["Content-Security-Policy"] = SANDBOX  # django-csp leaves a header the view set
    response["X-Content-Type-Options"] = "nosniff"
    return response


def file_download(handle: IO[bytes], *, filename: str, content_type: str) -> FileResponse:
    """A stored file as a download."""
    response = FileResponse(handle, as_attachment=True, filename=filename or "download",
                            content_type=safe_content_type(content_type))
    return _harden(response)


def text_download(text: str, *, filename: str, content_type: str = "text/plain") -> HttpResponse:
    """Derived text (a BPMN or DMN file, an export) as a download."""
    response = HttpResponse(text.encode("utf-8"), content_type=safe_content_type(content_type))
    disposition = content_disposition_header(as_attachment=True, filename=filename)
    if disposition is not None:  # always, for an attachment
        response["Content-Disposition"] = disposition
    return _harden(response)
