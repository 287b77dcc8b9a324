from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "yiwang.appeals"
    label = "appeals"
