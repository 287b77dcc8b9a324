from __future__ import annotations

import pytest
from django.apps.registry import Apps
from django.db import connection, models

from yiwang.crypto.fields import EncryptedTextField, decrypt_field, encrypt_field, token_key_id
from yiwang.crypto.services import reencrypt_column

OLD_RING = "test1:0123456789abcdeffedcba9876543210"
NEW_RING = "test2:00112233445566778899aabbccddeeff,test1:0123456789abcdeffedcba9876543210"


@pytest.fixture
def secret_model():
    """A throw-away model (its own app registry, so no migration sees it) with both kinds of column."""

    class Secret(models.Model):
        phone = EncryptedTextField(context="test.Secret.phone", null=True)
        token = models.TextField(blank=True)

        class Meta:
            app_label = "crypto_test"
            apps = Apps()

    with connection.schema_editor() as editor:
        editor.create_model(Secret)
    yield Secret
    with connection.schema_editor() as editor:
        editor.delete_model(Secret)


def _raw(model, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phone, token FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True)
def test_rotation_reencrypts_stored_tokens_under_the_newest_key(settings, secret_model):
    # given rows written while test1 was the newest key
    settings.YIWANG_SM4_KEYS = OLD_RING
    rows = [secret_model.objects.create(phone=f"1380000000{i}", token=encrypt_field(f"v{i}")) for i in range(7)]
    secret_model.objects.create(phone=None, token="")
    assert all(token_key_id(_raw(secret_model, r.pk)[0]) == "test1" for r in rows)
    # when test2 is put first and the columns are rotated
    settings.YIWANG_SM4_KEYS = NEW_RING
    assert reencrypt_column(model=secret_model, field_name="phone", batch_size=3) == 7
    assert reencrypt_column(model=secret_model, field_name="token", batch_size=3) == 7
    # then every stored token is on test2, values unchanged, and a second run changes nothing
    for i, row in enumerate(rows):
        phone_token, token = _raw(secret_model, row.pk)
        assert token_key_id(phone_token) == "test2" and token_key_id(token) == "test2"
        assert secret_model.objects.get(pk=row.pk).phone == f"1380000000{i}"
        assert decrypt_field(token) == f"v{i}"
    assert reencrypt_column(model=secret_model, field_name="phone") == 0
