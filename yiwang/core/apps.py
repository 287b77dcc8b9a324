from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yiwang.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from django.urls import register_converter

        from yiwang.core.bounds import IdConverter

        # ``<id:pk>`` in every app's URL patterns: digits that fit a database id (a larger number
        # is a 404, not a driver crash). Registered before any URLconf is imported.
        register_converter(IdConverter, "id")
        from yiwang.core import signals  # noqa: F401  (connects the login-history receivers)
        from yiwang.core.admin_audit import audit_third_party_admins

        audit_third_party_admins()
        from yiwang.core.ops import collectors, requestid
        from yiwang.core.ops.metrics import register_collector

        # the request id travels into the tasks a request enqueues (docs/deployment.md)
        requestid.connect_signals()
        from django.db.backends.signals import connection_created

        from yiwang.core.ops import prepared

        # a statement prepared before `migrate` changed its result's type is planned again
        connection_created.connect(prepared.install, dispatch_uid="yiwang.core.ops.prepared.install")
        register_collector("task_queue", collectors.task_queue)
        register_collector("outbox", collectors.outbox)
        from yiwang.core import calendar, warmup
        from yiwang.crypto.signing import get_signer

        # a web worker's warm-up (core.warmup): the working calendar read, the SM2 signing key decrypted
        warmup.register("core: working calendar", calendar.last_known_year)
        warmup.register("crypto: signing key", get_signer)
