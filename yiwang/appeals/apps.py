from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "yiwang.appeals"
    label = "appeals"

    def ready(self) -> None:
        from yiwang.appeals import open311
        from yiwang.appeals.metrics import open_appeals_by_light
        from yiwang.core.middleware import register_error_renderer
        from yiwang.core.ops.metrics import register_collector

        # Open311 clients parse only the specification's error shape, also for a body refused by size
        register_error_renderer("/open311/", open311.refusal)
        register_collector("appeals", open_appeals_by_light)
