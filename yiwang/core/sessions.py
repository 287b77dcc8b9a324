"""The session engine: Django's database sessions, taking only a key Django could have made.

Django makes session keys of 32 lowercase ASCII letters and digits; its own check only asks for 8
characters or more. A cookie value in double quotes may carry escapes (``"abc\\000…"``: RFC 2109
quoting, which ``django.http.parse_cookie`` unquotes), so a visitor can send a key holding U+0000,
which PostgreSQL's text cannot hold: the session table's lookup was a 500 on every page. A key that
is not ASCII letters and digits is treated as no key at all (a visitor without a session), as
Django treats a key that is too short."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        # Django's own rule (SessionBase: a key of at least 8 characters), and only ASCII letters and
        # digits (django-stubs does not declare the base method, so it is restated, not called)
        return bool(key) and key is not None and len(key) >= 8 and key.isascii() and key.isalnum()
