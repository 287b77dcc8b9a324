"""Production configuration: with demo mode off, Yiwang refuses to start without real keys, a
strong secret, the county's division code and its host names, and `check --deploy` is clean.

Each case starts its own Python process (the settings are read once per process; the suite itself
runs in demo mode)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.views.debug import ExceptionReporter

from yiwang.crypto.sm2 import Sm2Key

ROOT = Path(__file__).resolve().parents[3]
# Variables of the test process that would leak into the child's configuration.
STRIPPED = {"DEMO_MODE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DIVISION_CODE", "YIWANG_SM4_KEYS",
            "YIWANG_BLIND_INDEX_KEY", "YIWANG_SM2_SIGNING_KEY", "DATABASE_URL", "SECURE_SSL_REDIRECT", "HSTS_SECONDS",
            "SECURE_COOKIES", "PROXY_SSL_HEADER"}


@pytest.fixture(scope="module")
def production_env(tmp_path_factory) -> dict[str, str]:
    var = tmp_path_factory.mktemp("var")
    base = {k: v for k, v in os.environ.items() if k not in STRIPPED and not k.endswith("_FILE")}
    return {
        **base,
        "YIWANG_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'prod.sqlite3'}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "zwfw.example.gov.cn",
        "DIVISION_CODE": "330999",
        "YIWANG_SM4_KEYS": "k1:" + secrets.token_hex(16),
        "YIWANG_BLIND_INDEX_KEY": secrets.token_hex(32),
        "YIWANG_SM2_SIGNING_KEY": Sm2Key.generate().private_pem().decode(),
    }


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def start(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run(env, "-c", "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)")


def test_check_deploy_is_clean_in_production(production_env):
    result = run(production_env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_production_start_has_debug_off_and_starts(production_env):
    result = start(production_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("variable", ["SECRET_KEY", "YIWANG_SM4_KEYS", "YIWANG_BLIND_INDEX_KEY",
                                      "YIWANG_SM2_SIGNING_KEY", "DIVISION_CODE", "ALLOWED_HOSTS"])
def test_a_production_start_without_a_required_variable_is_refused_naming_it(production_env, variable):
    env = {k: v for k, v in production_env.items() if k != variable}
    result = start(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr and "docs/deployment.md" in result.stderr


@pytest.mark.parametrize("secret, why", [
    ("x", "1 characters"),
    ("demo-only-insecure-key-do-not-use-in-production", "public demo key"),
    ("django-insecure-" + "k7#Qz9!mWp2@Lx5$Rv8^Tb3&Hn6*Jc4(Ys1)Fd0-Gu" * 2, "public demo key"),
    ("ab" * 40, "not random"),
])
def test_a_production_start_with_a_weak_secret_key_is_refused(production_env, secret, why):
    result = start({**production_env, "SECRET_KEY": secret})
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr and why in result.stderr


def test_debug_alone_does_not_turn_on_demo_mode(production_env):
    # given DEBUG=1 and nothing else (before: the demo secret and generated keys, silently)
    env = {k: v for k, v in production_env.items() if k not in ("SECRET_KEY", "YIWANG_SM4_KEYS")}
    result = start({**env, "DEBUG": "1"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "YIWANG_SM4_KEYS" in result.stderr


def test_demo_mode_starts_with_nothing_configured(production_env):
    env = {k: v for k, v in production_env.items() if k not in ("SECRET_KEY", "YIWANG_SM4_KEYS", "ALLOWED_HOSTS",
                                                                 "DIVISION_CODE", "YIWANG_SM2_SIGNING_KEY")}
    result = start({**env, "DEMO_MODE": "1"})
    assert result.returncode == 0, result.stderr


def test_the_debug_page_hides_the_database_url_and_keys(settings, rf):
    # given a database password in DATABASE_URL and keys, in settings and in the environment the
    # request carries (runserver); random, so that no source line shown on the page holds them
    settings.DATABASE_URL = f"postgres://yiwang:{secrets.token_hex(12)}@db:5432/yiwang"
    settings.YIWANG_SM4_KEYS = "k1:" + secrets.token_hex(16)
    request = rf.get("/", DATABASE_URL=settings.DATABASE_URL, YIWANG_BLIND_INDEX_KEY=secrets.token_hex(32))
    try:
        raise ValueError("boom")
    except ValueError:
        html = ExceptionReporter(request, *sys.exc_info()).get_traceback_html()
    # then neither the password nor the keys appear, in settings or in the request's META
    assert settings.DATABASE_URL.split(":")[2].split("@")[0] not in html
    assert settings.YIWANG_SM4_KEYS[3:] not in html
    assert request.META["YIWANG_BLIND_INDEX_KEY"] not in html
    assert "DATABASE_URL" in html  # the name is shown, its value replaced
