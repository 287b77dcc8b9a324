"""The drills' integrity checker finds each kind of damage made on purpose, and nothing on a sound database."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from yiwang.cases import services
from yiwang.cases.integrity import check_all
from yiwang.cases.models import Case, CaseEngineState, CaseMaterial, CaseStatus, CaseStep, StepStatus
from yiwang.core.models import AuditEvent, OutboxMessage, OutboxStatus
from yiwang.testing import case_factories, factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def kinds(report: dict) -> set[str]:
    return set(report["by_kind"])


def ack(case: Case, key: str) -> dict:
    return {"key": key, "case_number": case.number, "status": 201, "t": 0}


@pytest.fixture
def submitted(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item, key="k-1")
    return case, [ack(case, "k-1")]


@pytest.fixture
def accepted(world, submitted):
    case, acks = submitted
    services.accept_application(actor=world.clerk, case_id=case.pk)
    return case, acks


def test_a_sound_database_passes(accepted, world):
    case, acks = accepted
    other = case_factories.apply_online(world.citizen, world.applicant, world.item, key="k-2")
    report = check_all([*acks, ack(other, "k-2"), ack(other, "k-2")])  # an ack repeated by a retry is one
    assert report["ok"], report["findings"]
    assert report["counts"]["acknowledged_keys"] == 2 and report["counts"]["cases_found"] == 2


def test_an_acknowledged_key_without_a_case_is_lost(submitted):
    case, acks = submitted
    report = check_all([*acks, {"key": "never-stored", "case_number": "YW0", "status": 201, "t": 0}])
    assert kinds(report) == {"ack_lost"}
    assert report["findings"][0]["subject"] == "never-stored"


def test_a_key_with_two_cases_is_a_duplicate(submitted, world):
    case, acks = submitted
    other_user, other_applicant = factories.citizen("citizen2", first17="11010119900307852", name="李四")
    case_factories.apply_online(other_user, other_applicant, world.item, key="k-1")
    assert kinds(check_all(acks)) == {"ack_duplicated"}


def test_a_case_with_another_number_than_acknowledged(submitted):
    case, _acks = submitted
    assert kinds(check_all([{"key": "k-1", "case_number": "YW-other", "status": 201, "t": 0}])) == {
        "ack_number_mismatch"}


def test_a_case_without_its_number(submitted):
    case, _acks = submitted
    Case.objects.filter(pk=case.pk).update(number="")
    assert kinds(check_all([])) == {"case_without_number"}


def test_a_case_without_its_submission_audit(submitted):
    case, acks = submitted
    AuditEvent.objects.filter(subject_type="case", subject_id=str(case.pk), event_type="case_submitted").update(
        event_type="case_urged")
    assert kinds(check_all(acks)) == {"case_without_submission_audit"}


def test_a_change_without_its_audit_record(submitted):
    case, acks = submitted
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.WITHDRAWN)  # as if the audit insert were lost
    report = check_all(acks)
    assert kinds(report) == {"audit_status_mismatch"}
    assert "withdrawn" in report["findings"][0]["detail"]


def test_an_audit_record_without_its_change(accepted):
    case, acks = accepted
    # the acceptance's audit record stands, its change does not
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.SUBMITTED)
    CaseStep.objects.filter(case=case).delete()
    assert kinds(check_all(acks)) == {"audit_status_mismatch"}


def test_an_audit_record_about_a_case_that_does_not_exist(submitted, world):
    case, acks = submitted
    AuditEvent.objects.create(actor=world.clerk, event_type="case_accepted", subject_type="case", subject_id="987654",
                              details={"number": "YW-ghost", "status": "in_review"})
    assert kinds(check_all(acks)) == {"audit_without_case"}


def test_a_case_in_review_without_its_workflow_state(accepted):
    case, acks = accepted
    CaseEngineState.objects.filter(case=case).delete()
    assert kinds(check_all(acks)) == {"review_without_engine"}


def test_a_case_in_review_without_an_open_step(accepted):
    case, acks = accepted
    CaseStep.objects.filter(case=case).update(status=StepStatus.CANCELLED)
    assert kinds(check_all(acks)) == {"review_without_open_step"}


def test_an_open_step_left_on_a_finished_case(accepted, world):
    case, acks = accepted
    # withdrawn properly (with its audit), then a step reopened behind the service's back
    services.withdraw_application(actor=world.citizen, case_id=case.pk, reason="不办了")
    CaseStep.objects.filter(case=case).update(status=StepStatus.OPEN)
    assert kinds(check_all(acks)) == {"open_step_on_finished_case"}


def test_a_material_whose_file_is_gone(submitted):
    case, acks = submitted
    material = CaseMaterial.objects.filter(case=case).first()
    default_storage.delete(material.file.name)
    report = check_all(acks)
    assert kinds(report) == {"material_without_file"}
    assert case.number in report["findings"][0]["subject"]


def test_a_staged_upload_whose_file_is_gone(world):
    staged = services.stage_upload(actor=world.citizen, file=factories.upload_file())
    default_storage.delete(staged.file.name)
    assert kinds(check_all([])) == {"material_without_file"}


def test_a_material_whose_file_was_cut(submitted):
    case, acks = submitted
    material = CaseMaterial.objects.filter(case=case).first()
    name = material.file.name
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b"%PDF"))
    assert kinds(check_all(acks)) == {"material_file_damaged"}
    assert check_all(acks, verify_size=False)["ok"]


def test_a_document_whose_file_is_gone(accepted):
    case, acks = accepted
    document = case.documents.first()
    assert document is not None  # the acceptance receipt
    default_storage.delete(document.file.name)
    assert kinds(check_all(acks)) == {"document_without_file"}


def test_a_notice_copy_pending_long_after_it_was_due(submitted):
    case, acks = submitted
    now = timezone.now()
    OutboxMessage.objects.create(channel="sms", kind="case_accepted", case_number=case.number, subject="s", body="b",
                                 status=OutboxStatus.PENDING, next_attempt_at=now - dt.timedelta(minutes=1))
    assert check_all(acks, now=now)["ok"]  # due a minute ago: the sender may simply not have run yet
    report = check_all(acks, now=now + dt.timedelta(minutes=10))
    assert kinds(report) == {"outbox_stuck"}


def test_a_task_a_dead_worker_left_running(submitted):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    case, acks = submitted
    now = timezone.now()
    DBTaskResult.objects.create(status=TaskResultStatus.RUNNING, started_at=now - dt.timedelta(hours=1),
                                args_kwargs={"args": [1], "kwargs": {}}, task_path="yiwang.cases.prereview.prereview_material_task",
                                worker_ids=["w-dead"], queue_name="default", backend_name="default", run_after=now,
                                exception_class_path="", traceback="")
    report = check_all(acks, now=now)
    assert kinds(report) == {"task_stuck"}
    assert "w-dead" in report["findings"][0]["detail"]


def test_the_command_line_exits_non_zero_with_what_it_found(submitted, tmp_path, monkeypatch, capsys):
    sys.path.insert(0, str(ROOT / "deploy" / "drills"))
    try:
        check_integrity = importlib.import_module("check_integrity")  # a script, not a package module
    finally:
        sys.path.remove(str(ROOT / "deploy" / "drills"))
    case, acks = submitted
    log = tmp_path / "acks.jsonl"
    log.write_text(json.dumps(acks[0]) + "\n" + '{"key": "torn', encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", "unused://the settings are loaded already")
    assert check_integrity.main(["--ack-log", str(log)]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "line 2 is not an acknowledgement" in out

    log.write_text(json.dumps({**acks[0], "key": "lost-one"}) + "\n", encoding="utf-8")
    report = tmp_path / "report.json"
    assert check_integrity.main(["--ack-log", str(log), "--json", str(report)]) == 1
    assert "ack_lost: lost-one" in capsys.readouterr().out
    assert json.loads(report.read_text(encoding="utf-8"))["by_kind"] == {"ack_lost": 1}
    assert connection.vendor in ("sqlite", "postgresql")


def test_the_checks_read_in_short_pages_and_find_the_same(accepted, world, monkeypatch):
    """At millions of rows nothing may be read whole: every read of cases and audit records is a
    page of at most ``BATCH`` rows (or cases named by their keys), and pages of two rows, which cut
    through one case's audit records, find exactly what one page finds, in the same order."""
    from django.test.utils import CaptureQueriesContext

    from yiwang.cases import integrity

    case, acks = accepted
    others = [case_factories.apply_online(world.citizen, world.applicant, world.item, key=f"k-{n}") for n in (2, 3, 4)]
    services.accept_application(actor=world.clerk, case_id=others[0].pk)
    # damage spread over the cases: a change without its audit record, a lost submission record,
    # two records about cases that do not exist (one naming a status, one not), a lost number
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.WITHDRAWN)
    AuditEvent.objects.filter(subject_type="case", subject_id=str(others[1].pk), event_type="case_submitted").update(
        event_type="case_urged")
    for subject, details in (("987654", {"status": "in_review"}), ("x-1", {})):
        AuditEvent.objects.create(actor=world.clerk, event_type="case_accepted", subject_type="case",
                                  subject_id=subject, details=details)
    Case.objects.filter(pk=others[2].pk).update(number="")
    acks = [*acks, *(ack(other, f"k-{n}") for n, other in zip((2, 3, 4), others, strict=True))]

    whole = check_all(acks)
    assert whole["by_kind"] == {"audit_status_mismatch": 1, "open_step_on_finished_case": 1,
                                "case_without_submission_audit": 1, "audit_without_case": 2, "case_without_number": 1,
                                "ack_number_mismatch": 1}
    monkeypatch.setattr(integrity, "BATCH", 2)
    with CaptureQueriesContext(connection) as queries:
        paged = check_all(acks)
    assert paged == whole
    reads = [q["sql"] for q in queries.captured_queries
             if q["sql"].startswith("SELECT") and "COUNT(" not in q["sql"].split(" FROM ")[0]
             and (' FROM "cases_case"' in q["sql"] or ' FROM "core_auditevent"' in q["sql"])]
    assert reads
    unbounded = [sql for sql in reads if not sql.rstrip().endswith("LIMIT 2") and " IN (" not in sql]
    assert not unbounded, unbounded
