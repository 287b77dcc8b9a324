"""What error reports and the DEBUG technical page may show."""

from __future__ import annotations

import re

from django.views.debug import SafeExceptionReporterFilter


class SecretSettingsFilter(SafeExceptionReporterFilter):
    """Django's filter, also hiding DATABASE_URL (it carries the password) and any setting or
    request variable naming a database, DSN or credential. Under runserver the WSGI environ holds
    the whole process environment (YIWANG_SM4_KEYS, DATABASE_URL, ...): the same pattern hides those
    in the request's META."""

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE|DSN|CREDENTIAL", flags=re.IGNORECASE
    )
