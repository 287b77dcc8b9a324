from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "yiwang.insights"
    label = "insights"
