from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "yiwang.ledger"
    label = "ledger"

    def ready(self) -> None:
        from yiwang.core.ops.metrics import register_collector
        from yiwang.ledger.metrics import ledger

        register_collector("ledger", ledger)
