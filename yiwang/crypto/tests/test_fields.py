from __future__ import annotations

import os
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from yiwang.crypto import keys
from yiwang.crypto.errors import DecryptionFailed, TokenInvalid
from yiwang.crypto.fields import (
    EncryptedTextField,
    blind_index,
    decrypt_field,
    encrypt_field,
    needs_reencryption,
    reencrypt,
    token_key_id,
)


def test_encrypt_then_decrypt_gives_the_value_back_under_the_newest_key():
    token = encrypt_field("110105194912310029", context="citizen_id")
    assert token.startswith("sm4g1.test2.")
    assert "110105194912310029" not in token
    assert decrypt_field(token, context="citizen_id") == "110105194912310029"


def test_same_value_encrypts_differently_each_time():
    assert encrypt_field("张三") != encrypt_field("张三")


def test_tampered_token_is_refused():
    # given a token
    token = encrypt_field("13800000000")
    prefix, key_id, nonce, body = token.split(".")
    # when one character of its ciphertext changes
    changed = body[:5] + ("A" if body[5] != "A" else "B") + body[6:]
    # then it does not decrypt
    with pytest.raises(DecryptionFailed) as caught:
        decrypt_field(".".join([prefix, key_id, nonce, changed]))
    assert caught.value.code == "crypto_decryption_failed"


def test_token_bound_to_its_context():
    token = encrypt_field("13800000000", context="core.Applicant.phone")
    with pytest.raises(DecryptionFailed):
        decrypt_field(token, context="core.Applicant.address")


def test_malformed_tokens_raise_a_coded_error():
    for bad in ["", "plain text", "sm4g1.test2.xx", "sm4g1.bad id!.AAAA.AAAA", "sm4g1.test2.@@@.AAAA"]:
        with pytest.raises(TokenInvalid) as caught:
            decrypt_field(bad)
        assert caught.value.code == "crypto_token_invalid"


def test_key_rotation_old_tokens_still_decrypt_and_reencrypt_moves_them(settings):
    # given a token made when test1 was the newest key
    settings.YIWANG_SM4_KEYS = "test1:0123456789abcdeffedcba9876543210"
    old = encrypt_field("浙江省某县", context="addr")
    assert token_key_id(old) == "test1"
    # when a new key is put first
    settings.YIWANG_SM4_KEYS = "test2:00112233445566778899aabbccddeeff\ntest1:0123456789abcdeffedcba9876543210"
    # then the old token still decrypts, and re-encryption moves it to the new key
    assert decrypt_field(old, context="addr") == "浙江省某县"
    assert needs_reencryption(old)
    new = reencrypt(old, context="addr")
    assert token_key_id(new) == "test2" and not needs_reencryption(new)
    assert decrypt_field(new, context="addr") == "浙江省某县"
    assert reencrypt(new, context="addr") == new
    # and once the old key is dropped, only the re-encrypted token decrypts
    settings.YIWANG_SM4_KEYS = "test2:00112233445566778899aabbccddeeff"
    assert decrypt_field(new, context="addr") == "浙江省某县"
    with pytest.raises(DecryptionFailed) as caught:
        decrypt_field(old, context="addr")
    assert caught.value.code == "crypto_key_unknown"


def test_blind_index_is_stable_normalised_and_separated_by_context():
    a = blind_index("11010519491231002x", context="citizen_id")
    assert a == blind_index(" 11010519491231002X ", context="citizen_id")
    assert a == blind_index("１１０１０５１９４９１２３１００２Ｘ", context="citizen_id")  # full-width digits
    assert len(a) == 64 and a != blind_index("110105194912310029", context="citizen_id")
    assert a != blind_index("11010519491231002X", context="phone")
    # a fixed key gives a fixed value: indexes stored yesterday still match today
    assert a == blind_index("11010519491231002X", context="citizen_id")


def test_blind_index_depends_on_its_own_key(settings):
    before = blind_index("110105194912310029")
    settings.YIWANG_BLIND_INDEX_KEY = "a5" * 32
    assert blind_index("110105194912310029") != before


@pytest.mark.parametrize(
    "ring",
    ["k1", "k1:zz", "k1:0011", "bad id:00112233445566778899aabbccddeeff", "a:00112233445566778899aabbccddeeff,a:00112233445566778899aabbccddeeff", "# only a comment"],
)
def test_malformed_key_ring_is_a_configuration_error(settings, ring):
    settings.YIWANG_SM4_KEYS = ring
    with pytest.raises(ImproperlyConfigured):
        encrypt_field("x")


def test_key_ring_from_a_file(settings, tmp_path, monkeypatch):
    path = tmp_path / "ring"
    path.write_text("# rotated 2026-11\nfile2:00112233445566778899aabbccddeeff\nfile1:0123456789abcdeffedcba9876543210\n")
    del settings.YIWANG_SM4_KEYS
    monkeypatch.setenv("YIWANG_SM4_KEYS_FILE", str(path))
    assert token_key_id(encrypt_field("x")) == "file2"


def test_demo_keys_are_generated_once_with_private_permissions(settings, tmp_path, monkeypatch):
    # given no keys configured and a demo deployment
    del settings.YIWANG_SM4_KEYS
    del settings.YIWANG_BLIND_INDEX_KEY
    monkeypatch.delenv("YIWANG_SM4_KEYS", raising=False)
    settings.YIWANG_DEMO_MODE = True
    # when a value is encrypted and indexed
    token = encrypt_field("x")
    index = blind_index("x")
    # then demo keys exist under VAR_DIR/keys, readable by the owner only, and are reused
    directory = tmp_path / "keys"
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    for name in (keys.DEMO_SM4_FILE, keys.DEMO_BLIND_INDEX_FILE):
        assert stat.S_IMODE(os.stat(directory / name).st_mode) == 0o600
    assert token.startswith("sm4g1.demo1.") and decrypt_field(token) == "x"
    assert blind_index("x") == index
    assert not [p for p in directory.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("debug", [True, False])
def test_without_keys_and_outside_demo_mode_use_fails_clearly_whatever_debug_says(settings, monkeypatch, debug):
    # given no keys and demo mode off; DEBUG on (settings and environment) or off changes nothing
    # (it used to: DEBUG unset in the environment, or DEBUG_FILE=0, let demo keys be generated)
    del settings.YIWANG_SM4_KEYS
    del settings.YIWANG_BLIND_INDEX_KEY
    monkeypatch.setenv("DEBUG", "1" if debug else "0")
    settings.DEBUG = debug
    settings.YIWANG_DEMO_MODE = False
    with pytest.raises(ImproperlyConfigured, match="YIWANG_SM4_KEYS"):
        encrypt_field("x")
    with pytest.raises(ImproperlyConfigured, match="YIWANG_BLIND_INDEX_KEY"):
        blind_index("x")
    with pytest.raises(ImproperlyConfigured, match="YIWANG_SM2_SIGNING_KEY"):
        keys.signing_key_pem()


def test_encrypted_text_field_stores_tokens_and_reads_plain_text():
    field = EncryptedTextField(context="core.Applicant.phone")
    stored = field.get_prep_value("13800000000")
    assert stored.startswith("sm4g1.")
    assert field.from_db_value(stored, None, None) == "13800000000"
    assert field.get_prep_value(None) is None
    assert field.deconstruct()[3]["context"] == "core.Applicant.phone"


# -- batch API: FieldSealer / BlindIndexer ----------------------------------------------------


def test_field_sealer_tokens_are_encrypt_field_tokens_both_ways():
    from yiwang.crypto.fields import FieldSealer

    sealer = FieldSealer(context="exchange.row.GA_RKJBXX")
    values = ["张三", "", "浙江省某县城关镇人民路1号" * 20, '{"name":"李四","gender":"男"}']
    tokens = [sealer.seal(v) for v in values]
    # decrypt_field reads the sealer's tokens, with the same key id and format
    for value, token in zip(values, tokens, strict=True):
        assert token.startswith("sm4g1.test2.") and token.count(".") == 3
        assert decrypt_field(token, context="exchange.row.GA_RKJBXX") == value
        with pytest.raises(DecryptionFailed):
            decrypt_field(token, context="exchange.row.OTHER")
    # and a token of encrypt_field has the same shape (nonce and body lengths) as the sealer's
    reference = encrypt_field(values[0], context="exchange.row.GA_RKJBXX")
    assert [len(p) for p in reference.split(".")] == [len(p) for p in tokens[0].split(".")]
    # every token has its own nonce, also across nonce blocks
    many = {sealer.seal("同一个值").split(".")[2] for _ in range(5000)}
    assert len(many) == 5000


def test_field_sealer_follows_key_rotation(settings):
    from yiwang.crypto.fields import FieldSealer

    # given a sealer made when test1 was the newest key
    settings.YIWANG_SM4_KEYS = "test1:0123456789abcdeffedcba9876543210"
    old = FieldSealer(context="ctx").seal("浙江省某县")
    assert token_key_id(old) == "test1"
    # when a new key is put first, a new sealer seals under it, and old tokens still read and move
    settings.YIWANG_SM4_KEYS = "test2:00112233445566778899aabbccddeeff\ntest1:0123456789abcdeffedcba9876543210"
    new = FieldSealer(context="ctx").seal("浙江省某县")
    assert token_key_id(new) == "test2" and not needs_reencryption(new)
    assert decrypt_field(old, context="ctx") == decrypt_field(new, context="ctx") == "浙江省某县"
    moved = reencrypt(old, context="ctx")
    assert token_key_id(moved) == "test2" and decrypt_field(moved, context="ctx") == "浙江省某县"


def test_field_sealer_and_blind_indexer_survive_pickling_for_worker_processes():
    import pickle

    from yiwang.crypto.fields import BlindIndexer, FieldSealer

    sealer = pickle.loads(pickle.dumps(FieldSealer(context="c")))
    assert decrypt_field(sealer.seal("王五"), context="c") == "王五"
    indexer = pickle.loads(pickle.dumps(BlindIndexer(context="citizen_id")))
    assert indexer("11010519491231002X") == blind_index("11010519491231002X", context="citizen_id")


def test_blind_indexer_equals_blind_index():
    from yiwang.crypto.fields import BlindIndexer

    indexer = BlindIndexer(context="exchange.key.citizen_id")
    for value in ["11010519491231002X", " 11010519491231002x ", "１１０１０５１９４９１２３１００２Ｘ", "", "91330999MA0000007Q", "张三"]:
        assert indexer(value) == blind_index(value, context="exchange.key.citizen_id")
    assert BlindIndexer(context="phone")("13800000000") == blind_index("13800000000", context="phone")
