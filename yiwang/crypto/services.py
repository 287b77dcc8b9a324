"""Writes owned by ``crypto``: re-encrypting stored tokens under the newest field key."""

from __future__ import annotations

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from yiwang.crypto.fields import EncryptedTextField, is_token, needs_reencryption, reencrypt


def reencrypt_column(*, model: type[models.Model], field_name: str, batch_size: int = 500) -> int:
    """Re-encrypt every token in ``model.field_name`` that an older key made; return how many changed.

    Works on ``EncryptedTextField`` columns and on plain text columns holding tokens. Each batch is
    one transaction; a row changed meanwhile (its token no longer the one read) is left for the next
    run rather than overwritten. Safe to interrupt and re-run.
    """
    field = model._meta.get_field(field_name)
    context = getattr(field, "context", "") if isinstance(field, EncryptedTextField) else ""
    raw = Cast(field_name, output_field=models.TextField())
    changed = 0
    last_pk = None
    while True:
        rows = model._default_manager.annotate(_yiwang_raw=raw).order_by("pk")
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        batch = list(rows.values_list("pk", "_yiwang_raw")[:batch_size])
        if not batch:
            return changed
        last_pk = batch[-1][0]
        with transaction.atomic():
            for pk, token in batch:
                if not is_token(token) or not needs_reencryption(token):
                    continue
                new_token = reencrypt(token, context=context)
                changed += (
                    model._default_manager.annotate(_yiwang_raw=raw)
                    .filter(pk=pk, _yiwang_raw=token)
                    .update(**{field_name: models.Value(new_token, output_field=models.TextField())})
                )


def reencrypt_columns(*, targets: list[str], batch_size: int = 500) -> dict[str, int]:
    """``targets`` are ``app_label.Model.field``; return how many tokens changed in each."""
    result = {}
    for target in targets:
        app_label, model_name, field_name = target.split(".")
        result[target] = reencrypt_column(
            model=apps.get_model(app_label, model_name), field_name=field_name, batch_size=batch_size
        )
    return result


def export_public_keys() -> list[dict[str, str | bool]]:
    """Every trusted SM2 public key in each form verifiers ask for: PEM (SubjectPublicKeyInfo), and
    the raw point as hex, ``04 || x || y`` (65 bytes) and ``x || y`` (64 bytes). Reads only."""
    from yiwang.crypto.signing import public_point, trusted_public_keys

    trusted = trusted_public_keys()
    current = next(iter(trusted))
    out: list[dict[str, str | bool]] = []
    for key_id, pem in trusted.items():
        point = public_point(pem)
        out.append({"key_id": key_id, "algorithm": "SM2-with-SM3", "public_key_pem": pem,
                    "public_key_point": point.hex(), "public_key_xy": point[1:].hex(), "current": key_id == current})
    return out
