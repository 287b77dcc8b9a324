from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "yiwang.credit"
    label = "credit"
