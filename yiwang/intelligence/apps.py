from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "yiwang.intelligence"
    label = "intelligence"
