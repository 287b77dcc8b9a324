"""Where keys come from: settings or the environment (``NAME`` or ``NAME_FILE``), demo keys in demo mode.

Settings (each also readable from ``NAME_FILE``, a path whose contents are the value):

``YIWANG_SM4_KEYS``
    The field-encryption key ring: entries ``key_id:hex`` (16-byte SM4 keys, 32 hex digits),
    separated by commas or new lines; ``#`` starts a comment. **The first entry encrypts**; every
    listed entry decrypts. Rotate by putting a new key first and keeping the old ones listed until
    ``rotate_field_keys`` has re-encrypted everything.
``YIWANG_BLIND_INDEX_KEY``
    Hex, 16 to 64 bytes: the HMAC-SM3 key of blind indexes (exact lookups of encrypted values).
    Separate from the SM4 keys; changing it means recomputing every stored index.
``YIWANG_SM2_SIGNING_KEY``
    PEM (PKCS#8) SM2 private key that signs (ledger tree heads, and later licences).
``YIWANG_SM2_TRUSTED_KEYS``
    Optional PEM bundle of earlier SM2 *public* keys, still trusted to verify old signatures.

With none of them set and demo mode on (``settings.YIWANG_DEMO_MODE``, env ``DEMO_MODE=1``), demo
keys are generated on first use under ``VAR_DIR/keys/`` (directory 0700, files 0600; ``var/`` is
never committed). With demo mode off, the settings refuse to start without them, and a missing key
here raises ``ImproperlyConfigured`` naming the setting. DEBUG plays no part in this.
"""

from __future__ import annotations

import binascii
import functools
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from yiwang.crypto.primitives import SM4_KEY_SIZE, sm3

KEY_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
DEMO_SM4_FILE = "sm4_keys"
DEMO_BLIND_INDEX_FILE = "blind_index.key"
DEMO_SM2_FILE = "sm2_signing.pem"


def setting(name: str) -> str | None:
    """``settings.NAME``, else the environment's ``NAME_FILE`` contents, else ``NAME``; blank is None."""
    value = getattr(settings, name, None)
    if value is None:
        file_path = os.environ.get(f"{name}_FILE")
        if file_path:
            try:
                value = Path(file_path).read_text(encoding="utf-8")
            except OSError as exc:
                raise ImproperlyConfigured(f"{name}_FILE points at {file_path}, which cannot be read: {exc}") from exc
        else:
            value = os.environ.get(name)
    value = (value or "").strip()
    return value or None


def demo_keys_allowed() -> bool:
    """Demo keys only in demo mode (``settings.YIWANG_DEMO_MODE``), whatever DEBUG says."""
    return bool(getattr(settings, "YIWANG_DEMO_MODE", False))


def demo_key_dir() -> Path:
    return Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var")) / "keys"


_demo_cache: dict[str, str] = {}


def _demo_file(name: str, setting_name: str, make: Callable[[], str]) -> str:
    """Read the demo key file ``name``, creating it (0600, atomically, once across processes) if missing.

    A demo key file never changes once written, so each process reads it once (a read per
    encryption cost ~0.2 ms, more than the encryption)."""
    cached = _demo_cache.get(str(demo_key_dir() / name))
    if cached is not None:
        return cached
    if not demo_keys_allowed():
        raise ImproperlyConfigured(
            f"{setting_name} (or {setting_name}_FILE) must be set when demo mode (DEMO_MODE) is off; "
            "see docs/crypto.md for the format and how to generate keys."
        )
    directory = demo_key_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / name
    if not path.exists():
        tmp = directory / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(make())
        try:
            os.link(tmp, path)  # fails if another process won the race; then its key is used
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    text = path.read_text(encoding="utf-8")
    _demo_cache[str(path)] = text
    return text


# -- SM4 key ring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]
    current_id: str

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]


def parse_key_ring(text: str) -> KeyRing:
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for raw in re.split(r"[,\n]", text):
        entry = raw.split("#", 1)[0].strip()
        if not entry:
            continue
        key_id, sep, hex_key = entry.partition(":")
        key_id, hex_key = key_id.strip(), hex_key.strip()
        if not sep or not KEY_ID_RE.match(key_id):
            raise ImproperlyConfigured(
                f"YIWANG_SM4_KEYS: entry {key_id!r} is not 'key_id:hex' (key ids: letters, digits, '_' or '-', at most 32)."
            )
        try:
            key = binascii.unhexlify(hex_key)
        except binascii.Error as exc:
            raise ImproperlyConfigured(f"YIWANG_SM4_KEYS: key {key_id!r} is not hex.") from exc
        if len(key) != SM4_KEY_SIZE:
            raise ImproperlyConfigured(f"YIWANG_SM4_KEYS: key {key_id!r} must be 16 bytes (32 hex digits).")
        if key_id in keys:
            raise ImproperlyConfigured(f"YIWANG_SM4_KEYS: key id {key_id!r} is listed twice.")
        keys[key_id] = key
        order.append(key_id)
    if not order:
        raise ImproperlyConfigured("YIWANG_SM4_KEYS is set but lists no keys.")
    return KeyRing(keys=keys, current_id=order[0])


@functools.lru_cache(maxsize=8)
def _cached_ring(text: str) -> KeyRing:
    return parse_key_ring(text)


def field_key_ring() -> KeyRing:
    text = setting("YIWANG_SM4_KEYS")
    if text is None:
        text = _demo_file(DEMO_SM4_FILE, "YIWANG_SM4_KEYS", lambda: f"demo1:{secrets.token_hex(SM4_KEY_SIZE)}\n")
    return _cached_ring(text)


# -- blind index key ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _parse_blind_key(text: str) -> bytes:
    try:
        key = binascii.unhexlify(text.strip())
    except binascii.Error as exc:
        raise ImproperlyConfigured("YIWANG_BLIND_INDEX_KEY must be hex.") from exc
    if not 16 <= len(key) <= 64:
        raise ImproperlyConfigured("YIWANG_BLIND_INDEX_KEY must be 16 to 64 bytes (32 to 128 hex digits).")
    return key


def blind_index_key() -> bytes:
    text = setting("YIWANG_BLIND_INDEX_KEY")
    if text is None:
        text = _demo_file(DEMO_BLIND_INDEX_FILE, "YIWANG_BLIND_INDEX_KEY", lambda: secrets.token_hex(32) + "\n")
    return _parse_blind_key(text)


# -- SM2 ---------------------------------------------------------------------------------------


def signing_key_pem() -> str:
    pem = setting("YIWANG_SM2_SIGNING_KEY")
    if pem is None:
        from yiwang.crypto.sm2 import Sm2Key

        pem = _demo_file(DEMO_SM2_FILE, "YIWANG_SM2_SIGNING_KEY", lambda: Sm2Key.generate().private_pem().decode())
    return pem


def trusted_public_pems() -> list[str]:
    bundle = setting("YIWANG_SM2_TRUSTED_KEYS") or ""
    return re.findall(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", bundle, flags=re.S)


def key_id_for_public_der(der: bytes) -> str:
    """A short, stable name of a public key: ``sm2-`` and 16 hex digits of SM3 over its DER SPKI."""
    return "sm2-" + sm3(der)[:8].hex()
