"""``{% load programme_tags %}``: whether the reader may see the management platform (the site's
navigation asks here, so the rule stays in ``permissions``)."""

from __future__ import annotations

from django import template

from yiwang.core.users import User
from yiwang.programme import permissions

register = template.Library()


@register.filter
def may_read_programme(user: User) -> bool:
    return permissions.may_read(user)
