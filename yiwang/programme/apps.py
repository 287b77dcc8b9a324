from typing import Any

from django.apps import AppConfig
from django.core import checks


def check_warning_rules(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A misconfigured YIWANG_PROGRAMME_WARNINGS stops ``manage.py check`` and the start, not a page."""
    from yiwang.programme.planning import rules

    try:
        rules()
    except (ValueError, TypeError) as exc:
        return [checks.Error(str(exc), id="programme.E001")]
    return []


class ProgrammeConfig(AppConfig):
    name = "yiwang.programme"
    label = "programme"

    def ready(self) -> None:
        from yiwang.core.demo import register_demo_seeder
        from yiwang.programme.demo import seed_programme

        checks.register(check_warning_rules)
        register_demo_seeder("programme", lambda: seed_programme(), order=30)
