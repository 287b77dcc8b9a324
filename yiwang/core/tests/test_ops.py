"""Operations endpoints and middlewares (docs/deployment.md, "Monitoring and overload"): the probes,
/metrics and who may read it, request metrics with bounded labels, request ids in logs and tasks,
JSON logs, and the in-flight bound."""

from __future__ import annotations

import json
import logging
import re
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from yiwang.core.ops import metrics, requestid
from yiwang.core.ops.requestid import JsonFormatter, RequestIdFilter
from yiwang.core.tests import ops_urls
from yiwang.testing.concurrency import closing_connections
from yiwang.testing.metrics import scrape

TOKEN = "m" * 8 + "0123456789abcdefghijklmnopqrstuv"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


# ------------------------------------------------------------------------------------ probes


def test_healthz_answers_without_the_database_a_host_check_or_the_https_redirect(client, settings):
    # (no django_db mark: any database access would raise)
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["yiwang.example"]
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers and response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_names_each_check_and_is_200_when_all_pass(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok", "task_queue": "ok", "keys": "ok"}
    assert body["checks"]["task_queue"]["ready"] == 0
    assert body["checks"]["keys"]["signing_key"].startswith("sm2-")


@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_when_the_database_is_unreachable_and_says_so_without_its_address(client, tmp_path):
    original = connection.settings_dict.copy()
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1")  # nothing listens on port 1
    else:
        connection.settings_dict["NAME"] = str(tmp_path / "missing" / "db.sqlite3")  # a directory that does not exist
    try:
        response = client.get("/readyz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failed"
    assert body["checks"]["database"] == {"status": "failed", "reason": "database unreachable",
                                          "ms": body["checks"]["database"]["ms"]}
    assert body["checks"]["task_queue"]["status"] == "failed"
    assert body["checks"]["keys"]["status"] == "ok"  # keys do not need the database
    assert "127.0.0.1" not in response.content.decode() and "missing" not in response.content.decode()
    # the database is back: ready again
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_is_503_when_a_key_cannot_be_loaded_and_shows_no_key_material(client, settings):
    settings.YIWANG_SM4_KEYS = "k1:not-hex-at-all-0123"
    response = client.get("/readyz")
    assert response.status_code == 503
    keys = response.json()["checks"]["keys"]
    assert keys["status"] == "failed" and keys["reason"].startswith("keys not loadable")
    assert "not-hex-at-all" not in response.content.decode()
    assert response.json()["checks"]["database"]["status"] == "ok"


def test_probes_refuse_other_methods_with_a_message(client):
    response = client.post("/readyz")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert response.json()["message"] == "此地址只接受 GET 请求。"


# ------------------------------------------------------------------------------------ /metrics


@pytest.mark.django_db
def test_metrics_are_answered_to_a_loopback_client(client):
    found = scrape(client)
    assert found[("yiwang_task_queue_depth", (("status", "ready"),))] == 0
    for collector in ("task_queue", "outbox", "cases", "appeals", "ledger"):
        assert found[("yiwang_metrics_collector_up", (("collector", collector),))] == 1


@pytest.mark.django_db
def test_the_outbox_gauges_show_notices_no_sender_has_taken(client):
    import datetime as dt

    from django.utils import timezone

    from yiwang.core import notify
    from yiwang.core.models import OutboxMessage, OutboxStatus
    from yiwang.testing import factories

    # given no notice waiting, then nothing is due
    found = scrape(client)
    assert (found[("yiwang_outbox_due", ())], found[("yiwang_outbox_oldest_due_age_seconds", ())]) == (0, 0)
    # given three copies: one due ten minutes ago, one due now, one retry due in an hour, one sent
    _user, applicant = factories.citizen()
    now = timezone.now()
    for due, status in ((now - dt.timedelta(minutes=10), OutboxStatus.PENDING), (now, OutboxStatus.PENDING),
                        (now + dt.timedelta(hours=1), OutboxStatus.PENDING),
                        (now - dt.timedelta(hours=2), OutboxStatus.SENT)):
        OutboxMessage.objects.create(applicant=applicant, channel="sms", kind="k", subject="s", body="b",
                                     next_attempt_at=due, status=status)
    # then two are due, the oldest for about ten minutes (the retry not yet, the sent one never)
    found = scrape(client)
    assert found[("yiwang_outbox_due", ())] == 2
    assert 590 <= found[("yiwang_outbox_oldest_due_age_seconds", ())] < 900
    # and once a sender's pass has sent them, nothing is due
    notify.send_due_outbox()
    found = scrape(client)
    assert (found[("yiwang_outbox_due", ())], found[("yiwang_outbox_oldest_due_age_seconds", ())]) == (0, 0)


@pytest.mark.django_db
def test_the_outbox_gauges_count_a_notice_just_written_even_when_the_estimate_of_the_database_clock_lags(
        client, monkeypatch):
    import datetime as dt

    from django.db import transaction

    from yiwang.core import clock, notify
    from yiwang.testing import factories

    # given a notice just written (its copies stamped by the database's clock), and this server's
    # estimate of that clock two seconds behind (a measured offset is off by up to half its round
    # trip: milliseconds, or more on a loaded machine)
    _user, applicant = factories.citizen()
    applicant.email = "zhang@example.cn"  # a phone and an email: two copies to send
    applicant.save()
    with transaction.atomic():
        notify.notify_applicant(applicant=applicant, kind="case_accepted", title="申请已受理", body="已受理。",
                                params={})
    clock.db_now()
    measured_at, offset = clock._offsets["default"]
    monkeypatch.setitem(clock._offsets, "default", (measured_at, offset - dt.timedelta(seconds=2)))
    # then the gauges count both copies as due, as the sender's pass would send them, and the
    # oldest has waited no time (not less than none)
    found = scrape(client)
    assert found[("yiwang_outbox_due", ())] == 2
    assert found[("yiwang_outbox_oldest_due_age_seconds", ())] == 0
    assert notify.send_due_outbox() == {"sent": 2}


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [
    {"REMOTE_ADDR": "10.1.2.3"},
    {"REMOTE_ADDR": "192.0.2.9", "HTTP_AUTHORIZATION": "Bearer wrong-token"},
    {"REMOTE_ADDR": "192.0.2.9", "HTTP_AUTHORIZATION": f"Basic {TOKEN}"},
    {"REMOTE_ADDR": "192.0.2.9", "HTTP_AUTHORIZATION": "Bearer "},
    # nginx on the same host connects from loopback but says whom it forwards
    {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"},
    {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "203.0.113.7"},
    {"REMOTE_ADDR": "not-an-address"},
])
def test_metrics_are_refused_to_anyone_else(client, settings, extra):
    settings.YIWANG_METRICS_TOKEN = TOKEN
    response = client.get("/metrics", **extra)
    assert response.status_code == 403
    assert response.json() == {"code": "permission_denied", "message": "监控指标仅向本机或持有监控令牌的请求提供。",
                               "details": {}}


@pytest.mark.django_db
def test_metrics_are_answered_to_the_monitoring_token_from_anywhere(client, settings):
    settings.YIWANG_METRICS_TOKEN = TOKEN
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="10.9.9.9",
                          HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_no_token_configured_means_loopback_only(client, settings):
    settings.YIWANG_METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer ").status_code == 403


@pytest.mark.django_db
def test_requests_are_counted_by_url_name_never_by_raw_path(client):
    before = scrape(client)
    client.get("/healthz")  # probes are not counted
    client.get("/login/")
    for n in range(3):
        client.get(f"/no-such-page-{n}/")  # an attacker's random paths share one label

    after = scrape(client)

    def delta(key: tuple) -> float:
        return after.get(key, 0) - before.get(key, 0)

    requests = "yiwang_http_requests_total"
    assert delta((requests, (("method", "GET"), ("route", "core:login"), ("status", "2xx")))) == 1
    assert delta((requests, (("method", "GET"), ("route", "(unresolved)"), ("status", "4xx")))) == 3
    assert delta(("yiwang_http_request_duration_seconds_count", (("route", "core:login"),))) == 1
    assert not any("no-such-page" in str(key) or "healthz" in str(key) for key in after)


@pytest.mark.django_db
def test_server_errors_are_counted(settings):
    settings.ROOT_URLCONF = "yiwang.core.tests.ops_urls"
    client = Client(raise_request_exception=False)
    key = ("yiwang_http_server_errors_total", (("route", "ops_test_broken"),))
    before = scrape(client).get(key, 0)
    assert client.get("/ops-test/broken/").status_code == 500
    assert scrape(client)[key] == before + 1


@pytest.mark.django_db
def test_a_failing_collector_is_reported_and_the_others_still_answer(client, monkeypatch, caplog):
    def broken() -> list:
        raise RuntimeError("boom")

    monkeypatch.setitem(metrics._sources, "broken", broken)
    found = scrape(client)
    assert found[("yiwang_metrics_collector_up", (("collector", "broken"),))] == 0
    assert found[("yiwang_metrics_collector_up", (("collector", "task_queue"),))] == 1
    assert "metrics collector broken failed" in caplog.text


# ------------------------------------------------------------------------------ request ids


def test_a_well_formed_request_id_from_the_edge_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="9f86d081884c7d659a2feaa0c55ad015")
    assert response["X-Request-ID"] == "9f86d081884c7d659a2feaa0c55ad015"


@pytest.mark.parametrize("hostile", [
    "x" * 65, "a b", 'a"}, "level": "CRITICAL', "line\nbreak", "<script>", "", "-leading-dash", "日志",
])
def test_a_malformed_request_id_is_replaced_by_one_made_here(client, hostile):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=hostile)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_each_request_without_an_id_gets_its_own(client):
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


@pytest.mark.django_db
def test_log_records_of_a_request_carry_its_id(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_X_REQUEST_ID="edge-42")
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert refused and refused[0].request_id == "edge-42"
    assert requestid.current_request_id() is None  # cleared once the response is closed


@pytest.mark.django_db(transaction=True)
def test_the_request_id_is_carried_into_the_tasks_the_request_enqueues(settings, caplog):
    settings.ROOT_URLCONF = "yiwang.core.tests.ops_urls"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ops_urls.seen_by_tasks.clear()
    caplog.handler.addFilter(RequestIdFilter())

    # given a request that enqueues a task
    with caplog.at_level(logging.INFO):
        response = Client().get("/ops-test/enqueue/", HTTP_X_REQUEST_ID="edge-7")
        assert response.status_code == 200 and ops_urls.seen_by_tasks == []  # queued, not run

        # when the worker (another process in production) runs it
        call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", "--interval", "0")

    # then the task ran under the request's id, and the worker's lines say so
    assert ops_urls.seen_by_tasks == ["edge-7"]
    by_message = {r.getMessage(): r.request_id for r in caplog.records}
    assert by_message["enqueueing"] == "edge-7" and by_message["task ran"] == "edge-7"
    worker_lines = [r for r in caplog.records if r.name == "django_tasks" and "note_request_id" in r.getMessage()]
    assert len(worker_lines) >= 2 and {r.request_id for r in worker_lines} == {"edge-7"}
    assert requestid.current_request_id() is None


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_outside_a_request_runs_under_a_fresh_id(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ops_urls.seen_by_tasks.clear()
    ops_urls.note_request_id.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", "--interval", "0")
    assert len(ops_urls.seen_by_tasks) == 1 and re.fullmatch(r"[0-9a-f]{32}", ops_urls.seen_by_tasks[0])


def test_json_log_lines_carry_the_request_id_extras_and_the_traceback():
    record_filter, formatter = RequestIdFilter(), JsonFormatter()
    with requestid.request_id_context("edge-1"):
        try:
            raise ValueError("bad")
        except ValueError:
            record = logging.getLogger("x").makeRecord("x", logging.ERROR, "f.py", 1, "办件 %s 失败", ("C-1",),
                                                       exc_info=__import__("sys").exc_info(), extra={"case": "C-1"})
        record_filter.filter(record)
    line = formatter.format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "办件 C-1 失败" and entry["request_id"] == "edge-1" and entry["level"] == "ERROR"
    assert entry["case"] == "C-1" and "ValueError: bad" in entry["exc_info"]
    assert entry["time"].endswith("+00:00")


# ------------------------------------------------------------------------------ admission control


# A hang guard, not a time limit: no test here waits this long when the rule holds (a request that
# queued behind the held ones would wait until they are let go, which the tests do only afterwards).
GUARD = ops_urls.HANG_GUARD / 2


@pytest.fixture
def held_site(settings):
    """A site whose ``/ops-test/held/`` holds each request until the test lets them all go
    (``let_go``, or this fixture at its end); ``hold(n)`` sends n of them and returns once each is
    inside the view, their status codes appended to the list it returns as they are answered."""
    settings.ROOT_URLCONF = "yiwang.core.tests.ops_urls"
    settings.YIWANG_MAX_IN_FLIGHT = 2
    ops_urls.release.clear()
    while ops_urls.entered.acquire(blocking=False):  # an entry left over by a test that failed
        pass
    client = Client()  # one handler, hence one admission gate, as in one worker process
    threads: list[threading.Thread] = []

    def hold(n: int) -> list:
        answers: list = []
        for _ in range(n):
            t = threading.Thread(target=closing_connections(lambda: answers.append(client.get("/ops-test/held/").status_code)))
            t.start()
            threads.append(t)
            assert ops_urls.entered.acquire(timeout=GUARD), "the held view was not entered"
        return answers

    def let_go() -> None:
        ops_urls.release.set()
        for t in threads:
            t.join(timeout=GUARD)
        assert not any(t.is_alive() for t in threads), "a held request was not answered once let go"

    yield client, hold, let_go
    let_go()


def answered_while_held(client: Client, path: str, **extra: Any) -> Any:
    """The request, in a thread, and proof that it was answered while the held requests were still
    held: they are let go only after this returns, so a request that queued behind them could not
    be answered at all — ``GUARD`` turns that hang into a failure. No bound on how fast it answers."""
    held_before = ops_urls.holding()
    answer: list = []

    def ask() -> None:
        response = client.get(path, **extra)
        answer.append((response, ops_urls.holding(), ops_urls.release.is_set()))

    t = threading.Thread(target=closing_connections(ask))
    t.start()
    t.join(timeout=GUARD)
    assert answer, (f"{path} was not answered while {held_before} requests were held: it queued behind them "
                    "instead of being refused (or this machine stalled for minutes)")
    response, held_then, let_go_then = answer[0]
    assert (held_then, let_go_then) == (held_before, False), (
        f"{path} was answered only after the held requests were let go: it queued instead of being refused")
    return response


@pytest.mark.django_db(transaction=True)
def test_requests_beyond_the_bound_are_refused_at_once_with_retry_after(held_site):
    client, hold, let_go = held_site
    held = hold(2)  # two requests in flight: the bound

    page = answered_while_held(client, "/ops-test/held/")
    api = answered_while_held(client, "/api/v1/cases/", HTTP_ACCEPT_LANGUAGE="en")
    english = answered_while_held(client, "/catalog/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert "系统繁忙" in page.content.decode() and page["Content-Type"].startswith("text/html")
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert api.json() == {"code": "overloaded", "details": {"retry_after_seconds": 5},
                          "message": "The system is busy: please try again in 5 seconds; this request was not processed."}
    assert english.status_code == 503 and "The system is busy" in english.content.decode()
    # probes and the scrape are never shed; the scrape counts what was shed
    assert answered_while_held(client, "/healthz").status_code == 200
    found = samples(answered_while_held(client, "/metrics").content.decode())
    assert found[("yiwang_http_requests_in_flight", ())] == 2
    assert found[("yiwang_http_requests_total", (("method", "GET"), ("route", "(shed)"), ("status", "5xx")))] >= 3
    assert found.get(("yiwang_http_server_errors_total", (("route", "(shed)"),)), 0) == 0

    # when the held requests finish, the next one is admitted
    assert held == []  # still held until now
    let_go()
    assert held == [200, 200]
    assert client.get("/ops-test/ok/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_shed_request_is_logged_once_at_warning_with_its_request_id_not_as_an_error(held_site, caplog):
    client, hold, _let_go = held_site
    hold(2)
    with caplog.at_level(logging.INFO):
        shed = answered_while_held(client, "/api/v1/cases/", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")
    assert shed.status_code == 503
    lines = [(r.name, r.levelno, getattr(r, "request_id", None), r.getMessage()) for r in caplog.records
             if "/api/v1/cases/" in r.getMessage()]
    assert [(name, level, rid) for name, level, rid, _m in lines] == [
        ("yiwang.core.ops.admission", logging.WARNING, "0123456789abcdef0123456789abcdef")]
    assert "shed" in lines[0][3] and "MAX_IN_FLIGHT=2" in lines[0][3]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.django_db(transaction=True)
def test_zero_turns_the_bound_off(held_site, settings):
    settings.YIWANG_MAX_IN_FLIGHT = 0
    client, hold, _let_go = held_site
    hold(3)  # all three are admitted and held
    assert answered_while_held(client, "/ops-test/ok/").status_code == 200
