"""The register's entry of a decision (``record_from_decision``): the subject's facts version bumped
where the subject is found (``ensure_subject``, the one form of the bump), then the record and its
history row as one statement on PostgreSQL (``core.statements``), two elsewhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yiwang.credit.models import CreditHistory, CreditRecord, CreditSubject, RecordKind
from yiwang.credit.services import record_from_decision
from yiwang.testing import factories

pytestmark = pytest.mark.django_db

ONE_STATEMENT = connection.vendor == "postgresql"


def test_a_decision_record_comes_with_its_history_and_bumps_the_subjects_facts_version():
    # given an applicant already on the register
    _user, applicant = factories.citizen()
    department = factories.department("SCJG")
    first = record_from_decision(applicant=applicant, department=department, kind=RecordKind.LICENCE, title="准予许可",
                                 basis="《食品安全法》", decided_at=timezone.now() - dt.timedelta(hours=1),
                                 reference="case:1")
    assert first is not None
    subject = CreditSubject.objects.get(pk=first.subject_id)
    version = subject.facts_version
    # when a second decision enters the register
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        record = record_from_decision(applicant=applicant, department=department, kind=RecordKind.LICENCE,
                                      title="准予变更", basis="《食品安全法》", decided_at=timezone.now(),
                                      reference="case:2")
    # then the bump is one statement and the record with its history row one more on PostgreSQL (two
    # elsewhere), after the idempotency read, and the subject's facts summary kept under the bumped
    # version one more (``keep_facts_summaries``); the audit row is its own, outside a decision's batch
    writes = [q["sql"] for q in queries.captured_queries
              if "SAVEPOINT" not in q["sql"] and "core_auditevent" not in q["sql"]
              and not q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(writes) == (3 if ONE_STATEMENT else 4), writes
    assert "credit_creditfactssummary" in writes[-1], writes
    assert record is not None and CreditRecord.objects.filter(pk=record.pk, subject_id=subject.pk).exists()
    history = CreditHistory.objects.get(record_id=record.pk)
    assert (history.subject_id, history.event) == (subject.pk, "record_entered")
    subject.refresh_from_db()
    assert subject.facts_version == version + 1
