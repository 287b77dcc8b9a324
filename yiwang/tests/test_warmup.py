"""A web worker builds, before its first request, what that request would otherwise build: loading
the WSGI application (as gunicorn's and granian's workers do) imports the URLconf, fills the URL
resolver, loads jieba's dictionary, guide search's tokenizer and the PDF font; after it, resolving
a URL, reversing one, cutting words and rendering with the font import and build nothing more.

Each case is a fresh Python process (what is imported is per process; the suite's own process has
imported everything long since)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# In the child: load the application as a WSGI server does, note what was built, then do what a
# first request does and note what that had to import or build.
CHILD = r"""
import gc, json, sys
from django.db.backends.signals import connection_created
opened = []  # the warm-up may run in gunicorn's master before the fork (--preload): no connection
connection_created.connect(lambda sender, connection, **kw: opened.append(connection.alias), weak=False)
import yiwang.wsgi  # what gunicorn's and granian's workers import
import jieba
from django.urls import get_resolver
from yiwang.core.pdf import register_font
from yiwang.intelligence import search

built = {
    "urlconf_imported": "yiwang.appeals.api" in sys.modules and "yiwang.cases.api" in sys.modules,
    "resolver_filled": bool(get_resolver()._populated),
    "jieba_ready": bool(jieba.dt.initialized),
    "search_tokenizer": search._tokenizer is not None,
    "font_registered": register_font.cache_info().currsize == 1,
    "database_connections": list(opened),
}
# the objects start-up built are out of the collector's generations: its collections skip them
resolver = get_resolver()
frozen = {"count": gc.get_freeze_count(),
          "resolver_collected": any(o is resolver for o in gc.get_objects()),
          "patterns_collected": any(o is resolver.__dict__.get("url_patterns") for o in gc.get_objects())}
del resolver
before = set(sys.modules)
misses_before = register_font.cache_info().misses
tokenizer_before = search._tokenizer

from django.urls import resolve, reverse
from yiwang.appeals import topics
resolve(reverse("cases:progress"))
resolve("/api/v1/openapi.json")
topics.words("小区门口路灯不亮，晚上很黑")
search.tokenize("我要办食品经营许可证")
register_font()
from yiwang.crypto import sm2
loads_before = sm2._load.cache_info().misses
from yiwang.warmup import _render_a_page
_render_a_page()  # a document's flowables, as the first receipt uses them
sm2.libcrypto()

print(json.dumps({
    "libcrypto_loaded_again": sm2._load.cache_info().misses != loads_before,
    "built": built,
    "new_modules": sorted(set(sys.modules) - before),
    "font_parsed_again": register_font.cache_info().misses != misses_before,
    "tokenizer_rebuilt": search._tokenizer is not tokenizer_before,
    "frozen": frozen,
}))
"""


def _run_child(**extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "yiwang.settings", "DEMO_MODE": "1", **extra}
    return subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def _child(**extra: str) -> dict:
    result = _run_child(**extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_loading_the_application_builds_what_the_first_request_needs():
    # when a worker loads the application
    seen = _child()
    # then the URLconf, the resolver, jieba, guide search's tokenizer and the font are ready
    assert seen["built"] == {"urlconf_imported": True, "resolver_filled": True, "jieba_ready": True,
                             "search_tokenizer": True, "font_registered": True, "database_connections": []}
    # and a first request's resolving, word cutting and rendering build nothing new
    assert seen["new_modules"] == []
    assert not seen["font_parsed_again"] and not seen["tokenizer_rebuilt"]
    assert not seen["libcrypto_loaded_again"]
    # and what start-up built is frozen: the collector's full collections no longer walk it
    assert seen["frozen"]["count"] > 100_000
    assert seen["built"]["urlconf_imported"]  # (the URLconf's patterns are there to be looked for)
    assert not seen["frozen"]["resolver_collected"] and not seen["frozen"]["patterns_collected"]


def test_the_warm_up_can_be_turned_off_and_the_first_request_then_pays():
    # when a worker loads the application with the warm-up off (a development server)
    seen = _child(YIWANG_WARM_UP="0")
    # then nothing was built beforehand, and the first request imports and builds it
    assert seen["built"] == {"urlconf_imported": False, "resolver_filled": False, "jieba_ready": False,
                             "search_tokenizer": False, "font_registered": False, "database_connections": []}
    assert "yiwang.appeals.topics" in seen["new_modules"]
    assert seen["font_parsed_again"] and seen["tokenizer_rebuilt"] and seen["libcrypto_loaded_again"]
    assert "reportlab.platypus.paragraph" in seen["new_modules"]
    # and nothing is frozen: a development server's objects stay collectable between reloads
    assert seen["frozen"]["count"] == 0


def test_a_switch_that_says_neither_on_nor_off_stops_the_start_with_its_name():
    # a typo in the unit file is refused where the operator sees it, not taken as "on" or "off"
    result = _run_child(YIWANG_WARM_UP="of")
    assert result.returncode != 0
    assert "YIWANG_WARM_UP must be 1 or 0" in result.stderr
