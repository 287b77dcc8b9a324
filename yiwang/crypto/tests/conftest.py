from __future__ import annotations

import pytest

TEST_SM4_KEYS = "test2:00112233445566778899aabbccddeeff, test1:0123456789abcdeffedcba9876543210"
TEST_BLIND_KEY = "5a" * 32


@pytest.fixture(autouse=True)
def crypto_keys(settings, tmp_path):
    """Fixed field keys; the SM2 demo key goes to a per-test directory (as on a fresh machine)."""
    settings.YIWANG_SM4_KEYS = TEST_SM4_KEYS
    settings.YIWANG_BLIND_INDEX_KEY = TEST_BLIND_KEY
    settings.VAR_DIR = tmp_path
    return settings
