"""Text a person or a client typed, held to a length: refused when too long, never cut.

One home for how a free text is counted and bounded before a service stores or audits it. Cutting
it (``note[:300]``) stored and audited something other than what was sent, and told nobody; an API
client, a form without the site's script, or anyone posting by hand got their text shortened.

Counting: characters are code points (Python's ``len``), as the site's script counts them
(``static/js/yiwang.js``), and a line break is one character: browsers send a textarea's line break
as CR LF, which is stored as LF (so a line break costs the same from a browser, an API client or a
test). The limit itself has one home too: the model field's ``max_length`` (``max_chars``), or one
constant that the form and the service both read.

Characters: a text may hold line breaks and tabs, but no other control character (C0, DEL, C1: the
category ``Cc``; NUL above all, which PostgreSQL's text cannot hold, and which SQLite would store)
and no lone surrogate (``"\\ud800"`` is valid JSON but not UTF-8: psycopg cannot send it). Both
are refused by name, never dropped. The request's edges refuse them too (``NulCharacterMiddleware``
for NUL anywhere in a request, ``auth.JsonOnlyParser`` for a lone surrogate in a JSON body); this
check is for what reaches a service by another way (an import's cell, the admin, a caller inside
the server) and keeps the answer the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from yiwang.core.errors import CoreErrorCode, InvalidInput

# Unicode's Cc (U+0000-001F, U+007F-009F) but the line break and the tab (a CR is an old Mac line
# break; CR LF has become LF before this looks), and the surrogates (only ever lone in a str)
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _field(model: type[models.Model], name: str) -> models.Field:
    found = model._meta.get_field(name)
    if not isinstance(found, models.Field):  # a programming error: a relation named where a column was meant
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return found


def max_chars(model: type[models.Model], field_name: str) -> int:
    """The ``max_length`` of a model's text field: the most characters it stores."""
    limit = _field(model, field_name).max_length
    if not isinstance(limit, int):  # a programming error: a text field without a limit has nothing to check
        raise TypeError(f"{model.__name__}.{field_name} has no max_length")
    return limit


def normalise_line_breaks(text: str) -> str:
    """CR LF (what a browser sends for a textarea's line break) as LF."""
    return text.replace("\r\n", "\n")


def bounded_text(value: object, *, field: str, label: str, max_chars: int, strip: bool = True,
                 **details: Any) -> str:
    """``value`` as text with its line breaks as LF (trimmed unless ``strip=False``); over
    ``max_chars`` characters it is refused (422 ``text_too_long``, naming ``field`` and the limit),
    never cut; with a control character other than a line break or a tab, or a lone surrogate, it is
    refused (422 ``text_unstorable``, naming ``field`` and the character's place, counted from 1).
    ``None`` is the empty text."""
    text = normalise_line_breaks("" if value is None else str(value))
    if strip:
        text = text.strip()
    if len(text) > max_chars:
        raise InvalidInput(CoreErrorCode.TEXT_TOO_LONG, _("%(label)s不能超过 %(max)d 个字（现有 %(n)d 个）。") % {
            "label": label, "max": max_chars, "n": len(text)}, {"field": field, "max": max_chars, "n": len(text), **details})
    found = _UNSTORABLE.search(text)
    if found is not None:
        surrogate = found.group() >= "\ud800"
        message = (_("%(label)s含有无法保存的字符（不成对的代理项），请检查后重新提交。") if surrogate
                   else _("%(label)s含有无法保存的控制字符，请删除后重试。"))
        raise InvalidInput(CoreErrorCode.TEXT_UNSTORABLE, message % {"label": label}, {
            "field": field, "problem": "lone_surrogate" if surrogate else "control_character",
            "position": found.start() + 1, **details})
    return text


def field_text(value: object, model: type[models.Model], name: str, *, field: str | None = None,
               strip: bool = True) -> str:
    """``bounded_text`` for a value stored in ``model.name``: its ``max_length`` is the limit and its
    verbose name the label; ``field`` is the request's name for it when that differs."""
    label = str(_field(model, name).verbose_name)
    return bounded_text(value, field=field or name, label=label, max_chars=max_chars(model, name), strip=strip)
