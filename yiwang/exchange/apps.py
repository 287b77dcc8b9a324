import uuid
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_policy_state(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """The policy token's row exists after every migrate and every flush (test databases are
    flushed): without it the gateway still answers rightly, but rereads the policy every time."""
    from yiwang.exchange.models import PolicyState

    PolicyState.objects.using(using).get_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


class ExchangeConfig(AppConfig):
    name = "yiwang.exchange"
    label = "exchange"

    def ready(self) -> None:
        post_migrate.connect(ensure_policy_state, sender=self)
        from yiwang.catalog.selectors import Provision, register_provision_source
        from yiwang.exchange.selectors import obtainable_by_sharing

        register_provision_source(Provision.SHARING, lambda item, _materials, applicant, now: obtainable_by_sharing(
            item=item, applicant=applicant, now=now))
