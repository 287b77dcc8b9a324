from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "yiwang.appeals"
    label = "appeals"

    def ready(self) -> None:
        from yiwang.appeals import open311
        from yiwang.core.middleware import register_error_renderer

        # Open311 clients parse only the specification's error shape, also for a body refused by size
        register_error_renderer("/open311/", open311.refusal)
