"""What a web worker does before it takes its first request, so that the first applicant to
reach a fresh worker does not pay for it (measured: 1–2 s of CPU on this machine's cores, a fifth
to a third of a 40-case profile; docs/benchmarks.md).

``yiwang.wsgi`` calls ``warm_up()`` right after building the application, which every WSGI server
does in each worker process before serving: gunicorn's workers (``deploy/gunicorn/gunicorn.conf.py``,
``bench/run_cases.py``), granian's (``deploy/cluster/app.sh APP_SERVER=granian``) and the systemd
unit's; ``manage.py runserver`` too (it serves ``WSGI_APPLICATION``). ``YIWANG_WARM_UP=0`` (the setting of
that name) turns it off (a development server that reloads often). The task worker (``manage.py db_worker``) is not
warmed: its first task pays, and no person waits on it.

Nothing here opens a database connection: with gunicorn's ``--preload`` it may run in the master
before the fork, and the workers then share its pages.

Last, what was built is frozen out of the garbage collector (``gc.freeze``): the ~365,000 objects a
worker holds after start-up (modules, the URLconf, jieba's dictionary, the font's tables) live as
long as the process, yet every full collection walked them all again — measured under the case
flow: four full collections took 2.75 s of the workers' time in one bench run, none with the
objects frozen (docs/benchmarks.md). Frozen objects are never freed by a collection (none of these
would be); they are still freed by reference counting if dropped. Under ``--preload`` freezing in
the master also keeps the collector from writing to the pages the workers share.
"""

from __future__ import annotations

import gc
from typing import Any


def enabled() -> bool:
    """``settings.YIWANG_WARM_UP`` (the environment variable of that name, read in yiwang/settings.py)."""
    from django.conf import settings

    return bool(getattr(settings, "YIWANG_WARM_UP", True))


def warm_up() -> None:
    """Import and build, once per process, what the first request would otherwise build."""
    import jieba
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    from yiwang.core.pdf import drawn_by_main_font, qr_path, register_font
    from yiwang.crypto.sm2 import libcrypto
    from yiwang.intelligence import search

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports the URLconf: every app's views and API routers
    # jieba's prefix dictionary (about a second): ``appeals.topics`` builds it at import, through the
    # URLconf; the classifier and guide search share it. Idempotent, and said here in case that changes.
    jieba.dt.check_initialized()
    search.tokenizer()  # guide search's own tokenizer with the domain words
    register_font()  # the CJK TrueType font parsed for the documents (about 0.3 s)
    drawn_by_main_font("")  # the set of its characters, against which each text is checked (about 9 ms);
    # the fallback fonts (``PDF_FALLBACK_FONTS``) are not loaded here: only a text that needs one does
    _render_a_page()  # ReportLab's layout modules, imported by the first receipt otherwise (about 40 ms)
    # what a worker's first acceptance imported otherwise (bench/cold_worker.py): the QR codes' encoder
    # (zxing-cpp, a compiled module), the documents' PDF text codec, the task queue. (Not the rating
    # link, yiwang.evaluation.links: the layers keep this module, imported by every app's tests
    # through yiwang.wsgi, from importing the top floor.)
    qr_path("https://example.invalid/v/0", size=60)
    "".encode("utf-16-be")
    import yiwang.core.tasks  # noqa: F401
    libcrypto()  # OpenSSL's libcrypto for SM2, found through ldconfig on first use (a subprocess)
    for code, _name in settings.LANGUAGES:  # the message catalogues, read on their first use
        with translation.override(code):
            translation.gettext("Yiwang")
            _reverse_tables(resolver)
    gc.collect()  # what start-up left unreachable goes now, not into the frozen set
    gc.freeze()


# Namespaces not on any hot path whose tables take long to build: the admin site's (about 55 ms
# per language here); built by its first page as ever.
_COLD_NAMESPACES = {"admin"}


def _reverse_tables(resolver: Any, ns_pattern: str = "", converters: tuple[Any, ...] = ()) -> None:
    """The lookup tables the first ``reverse()`` builds, in the active language: the root
    resolver's, and for each namespace the resolver ``reverse()`` makes of it (``get_ns_resolver``,
    cached; as ``django.urls.base.reverse`` does), each filled on its first reverse and per language:
    ``api-v1:complete_task`` in every action's answer cost a fresh worker about 15 ms
    (``bench/cold_worker.py``); all of them but the admin's about 20 ms per language."""
    from django.urls.resolvers import get_ns_resolver

    resolver.reverse_dict  # noqa: B018 - filled on first use, per language
    for namespace, (extra, sub) in resolver.namespace_dict.items():
        if namespace in _COLD_NAMESPACES:
            continue
        pattern = ns_pattern + extra
        merged = tuple({**dict(converters), **sub.pattern.converters}.items())
        get_ns_resolver(pattern, sub, merged).reverse_dict  # noqa: B018
        if sub.namespace_dict:
            _reverse_tables(sub, pattern, merged)


def _render_a_page() -> None:
    """A page with the documents' flowables (a CJK paragraph, a table) in the documents' font, in
    memory: what the first receipt, decision letter or licence of a worker would import."""
    import io

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    from yiwang.core.pdf import register_font

    style = ParagraphStyle("warm", fontName=register_font(), wordWrap="CJK")
    SimpleDocTemplate(io.BytesIO()).build([Paragraph("受理回执 Receipt", style),
                                           Table([[Paragraph("办件编号", style), "0"]])])
