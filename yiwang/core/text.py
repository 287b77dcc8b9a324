"""Text a person or a client typed, held to a length: refused when too long, never cut.

One home for how a free text is counted and bounded before a service stores or audits it. Cutting
it (``note[:300]``) stored and audited something other than what was sent, and told nobody; an API
client, a form without the site's script, or anyone posting by hand got their text shortened.

Counting: characters are code points (Python's ``len``), as the site's script counts them
(``static/js/yiwang.js``), and a line break is one character: browsers send a textarea's line break
as CR LF, which is stored as LF (so a line break costs the same from a browser, an API client or a
test). The limit itself has one home too: the model field's ``max_length`` (``max_chars``), or one
constant that the form and the service both read.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from yiwang.core.errors import CoreErrorCode, InvalidInput


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
    never cut. ``None`` is the empty text."""
    text = normalise_line_breaks("" if value is None else str(value))
    if strip:
        text = text.strip()
    if len(text) > max_chars:
        raise InvalidInput(CoreErrorCode.TEXT_TOO_LONG, _("%(label)s不能超过 %(max)d 个字（现有 %(n)d 个）。") % {
            "label": label, "max": max_chars, "n": len(text)}, {"field": field, "max": max_chars, "n": len(text), **details})
    return text


def field_text(value: object, model: type[models.Model], name: str, *, field: str | None = None,
               strip: bool = True) -> str:
    """``bounded_text`` for a value stored in ``model.name``: its ``max_length`` is the limit and its
    verbose name the label; ``field`` is the request's name for it when that differs."""
    label = str(_field(model, name).verbose_name)
    return bounded_text(value, field=field or name, label=label, max_chars=max_chars(model, name), strip=strip)
