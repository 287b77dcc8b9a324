from __future__ import annotations

import pytest

from yiwang.crypto.sm2 import Sm2Key

_KEY = None


def signing_key() -> Sm2Key:
    global _KEY
    if _KEY is None:
        _KEY = Sm2Key.generate()
    return _KEY


@pytest.fixture(autouse=True)
def ledger_settings(settings, tmp_path):
    settings.YIWANG_SM2_SIGNING_KEY = signing_key().private_pem().decode()
    settings.YIWANG_LEDGER_AUDIT_LAG_SECONDS = 0
    settings.VAR_DIR = tmp_path
    return settings
