"""``record_audit`` writes its row with one prepared statement (not the ORM's ``create``): the row
must be what ``create`` wrote, and ``post_save`` must still reach receivers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models.signals import post_save

from yiwang.core.models import AuditEvent
from yiwang.core.services import record_audit

pytestmark = pytest.mark.django_db


def test_the_row_reads_back_as_written_and_post_save_is_sent():
    seen = []

    def receiver(sender, instance, created=False, raw=False, **kwargs):
        seen.append((instance.pk, created, raw, instance.event_type))

    post_save.connect(receiver, sender=AuditEvent, dispatch_uid="test_audit_record")
    try:
        at = dt.datetime(2026, 12, 6, 23, 59, 58, 123456, tzinfo=dt.UTC)
        details = {"reason": "近12个月有行政处罚", "fired": [{"rule": "r1", "v": 2}], "ok": True, "none": None}
        event = record_audit(actor=None, event_type="case_credit_rule_fired", subject_type="case", subject_id=41,
                             details=details, at=at)
    finally:
        post_save.disconnect(receiver, sender=AuditEvent, dispatch_uid="test_audit_record")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.event_type, stored.subject_type, stored.subject_id) == ("case_credit_rule_fired", "case", "41")
    assert stored.details == details and stored.created_at == at and stored.actor_id is None
    assert seen == [(event.pk, True, False, "case_credit_rule_fired")]
    assert not event._state.adding


def test_details_that_are_not_json_are_refused_as_before():
    with pytest.raises(TypeError):
        record_audit(actor=None, event_type="x_done", subject_type="x", subject_id=1, details={"day": dt.date.today()})
