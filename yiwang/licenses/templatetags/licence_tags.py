from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ labels|get_item:status }}``: a dictionary entry in a template."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
