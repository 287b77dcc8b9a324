"""Shared PDF machinery for every app that prints documents (case documents, licences): the CJK
TrueType font registered once per process, and QR codes drawn as PNG. ReportLab and segno; both
pure Python. Lives in ``core`` so that apps below ``cases`` (``licenses``) can use it too."""

from __future__ import annotations

import functools
import io
from html import escape as _html_escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FONT = "YiwangCJK"


@functools.lru_cache(maxsize=1)
def register_font() -> str:
    """Register the CJK font (``YIWANG_PDF_FONT``) with ReportLab once; return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = settings.YIWANG_PDF_FONT
    try:
        pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
    except Exception as exc:  # noqa: BLE001 - name the setting and the package, whatever went wrong
        raise ImproperlyConfigured(
            f"YIWANG_PDF_FONT ({path}) is not a usable TrueType CJK font: {exc}. On Debian install "
            "fonts-wqy-zenhei (`make system-deps`) or point PDF_FONT at another TrueType CJK font."
        ) from exc
    return FONT


def qr_png(text: str, *, error: str = "m", scale: int = 4) -> bytes:
    """A QR code of ``text`` as PNG bytes."""
    import segno

    buffer = io.BytesIO()
    segno.make(text, error=error).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def escape(text: str) -> str:
    """ReportLab paragraph markup: &, < and > are markup."""
    return _html_escape(text, quote=False)
