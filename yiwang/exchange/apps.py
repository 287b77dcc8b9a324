from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "yiwang.exchange"
    label = "exchange"
