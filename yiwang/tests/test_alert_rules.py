"""deploy/prometheus/alerts.yml: well formed, and every application metric it reads is one that
/metrics really exposes (a renamed metric would silence its alert). ``make alerts-check`` also runs
``promtool check rules`` and the rule unit tests (deploy/prometheus/alerts_test.yml)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.test import Client

RULES = Path(settings.BASE_DIR) / "deploy" / "prometheus" / "alerts.yml"
SEVERITIES = {"page", "warn"}


def rules() -> list[dict]:
    document = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    return [rule for group in document["groups"] for rule in group["rules"]]


def test_every_rule_is_an_alert_with_a_severity_a_summary_and_a_description():
    found = rules()
    assert len(found) >= 10
    names = [rule["alert"] for rule in found]
    assert len(names) == len(set(names))
    for rule in found:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert rule["expr"].strip() and rule["labels"]["severity"] in SEVERITIES, rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], rule["alert"]
        if "for" in rule:
            assert re.fullmatch(r"\d+[smhd]", rule["for"]), rule["alert"]


def test_the_asked_for_alerts_are_there():
    exprs = {rule["alert"]: rule["expr"] for rule in rules()}
    assert "yiwang_http_server_errors_total" in exprs["YiwangHighErrorRate"]
    assert "histogram_quantile(0.99" in exprs["YiwangHighLatencyP99"]
    assert "yiwang_task_queue_depth" in exprs["YiwangTaskQueueBacklog"]
    assert "pg_replication_lag" in exprs["YiwangReplicaLag"]
    assert "yiwang_ledger_verification_ok == 0" in exprs["YiwangLedgerVerificationFailed"]
    assert 'yiwang_cases_open{light="red"}' in exprs["YiwangOverdueCasesGrowing"]


@pytest.mark.django_db
def test_every_application_metric_the_rules_read_is_exposed():
    call_command("verify_ledger", stdout=io.StringIO())  # the verification's outcome exists once it ran
    text = Client().get("/metrics").content.decode()
    exposed = set()
    for name, kind in re.findall(r"^# TYPE (\S+) (\S+)$", text, flags=re.M):
        exposed.add(name)
        if kind == "histogram":
            exposed |= {f"{name}_bucket", f"{name}_count", f"{name}_sum"}
        if kind == "counter" and not name.endswith("_total"):
            exposed.add(f"{name}_total")
    read = {name for rule in rules() for name in re.findall(r"\byiwang_[a-z_]+", rule["expr"])}
    assert read and read <= exposed, sorted(read - exposed)
