from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "yiwang.ledger"
    label = "ledger"
