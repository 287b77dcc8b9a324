from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "yiwang.appeals"
    label = "appeals"

    def ready(self) -> None:
        from yiwang.appeals.metrics import open_appeals_by_light
        from yiwang.core.ops.metrics import register_collector

        register_collector("appeals", open_appeals_by_light)
