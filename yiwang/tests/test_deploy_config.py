"""The edge's site template (deploy/nginx/yiwang.conf.in, rendered by render_site.py) and gunicorn's
settings (deploy/gunicorn/gunicorn.conf.py). ``make nginx-check`` also runs ``nginx -t`` on both
renderings; deploy/cluster/app.sh runs it on every start."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import logging.config
import re
import runpy
from pathlib import Path

import pytest
from django.conf import settings

DEPLOY = Path(settings.BASE_DIR) / "deploy"
render_site = runpy.run_path(str(DEPLOY / "nginx" / "render_site.py"))


def rendered(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert render_site["main"](list(argv)) == 0
    return out.getvalue()


def test_loopback_rendering_fills_every_placeholder_and_lists_each_upstream():
    text = rendered("--upstream", "127.0.0.1:8101", "--upstream", "127.0.0.1:8102", "--static-root", "/srv/s/",
                    "--rate-total", "40r/s", "--burst-total", "20")
    assert not re.search(r"\{\{[A-Z_]+\}\}", text)
    assert "server 127.0.0.1:8101 max_fails=3" in text and "server 127.0.0.1:8102 max_fails=3" in text
    assert "listen 127.0.0.1:8080;" in text and "ssl_certificate" not in text and "return 301" not in text
    assert "zone=yiwang_total:1m   rate=40r/s" in text and "zone=yiwang_total  burst=20 nodelay" in text
    assert "alias /srv/s/;" in text


def test_tls_rendering_listens_on_443_and_redirects_plain_http():
    text = rendered("--upstream", "app1.internal:8001", "--server-name", "zwfw.example.gov.cn", "--static-root", "/s",
                    "--tls-cert", "/etc/ssl/y/full.pem", "--tls-key", "/etc/ssl/y/key.pem")
    assert "listen 443 ssl http2;" in text and "ssl_certificate     /etc/ssl/y/full.pem;" in text
    assert "return 301 https://$host$request_uri;" in text and "server_name zwfw.example.gov.cn;" in text


def test_certificate_without_key_is_refused():
    with pytest.raises(SystemExit):
        render_site["main"](["--upstream", "a:1", "--static-root", "/s", "--tls-cert", "/c.pem"])


def test_the_edge_refuses_large_bodies_except_on_dataset_pushes_and_sheds_with_retry_after():
    text = rendered("--upstream", "127.0.0.1:8101", "--static-root", "/s")
    assert "client_max_body_size 25m;" in text  # MAX_UPLOAD_BYTES (20 MB) + envelope
    push = text.split("location ~ ^/(api/v1/exchange/resources/[^/]+/datasets", 1)[1].split("}", 1)[0]
    assert "client_max_body_size 1100m;" in push  # MAX_DATASET_BYTES (1 GiB) + envelope
    too_many = text.split("location @too_many", 1)[1].split("}", 1)[0]
    assert "Retry-After" in too_many and "return 429" in too_many
    assert "proxy_next_upstream error timeout;" in text  # never an application server's 503
    assert "location = /metrics { return 404; }" in text


def test_gunicorn_logs_json_when_log_format_is_json(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "json")
    conf = runpy.run_path(str(DEPLOY / "gunicorn" / "gunicorn.conf.py"))
    stream = io.StringIO()
    config = json.loads(json.dumps(conf["logconfig_dict"]))
    config["handlers"]["error_console"]["stream"] = stream
    logging.config.dictConfig(config)
    try:
        logging.getLogger("gunicorn.error").info("Booting worker with pid: %s", 42)
    finally:
        logging.config.dictConfig(settings.LOGGING)
    line = json.loads(stream.getvalue().strip())
    assert line["message"] == "Booting worker with pid: 42" and line["logger"] == "gunicorn.error"
    assert line["level"] == "INFO"


def test_gunicorn_keeps_its_own_text_log_otherwise(monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    conf = runpy.run_path(str(DEPLOY / "gunicorn" / "gunicorn.conf.py"))
    assert "logconfig_dict" not in conf
