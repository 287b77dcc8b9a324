"""``record_audit`` writes its row with one prepared statement (not the ORM's ``create``): the row
must be what ``create`` wrote, and ``post_save`` must still reach receivers."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db.models.signals import post_save

from yiwang.core.models import AuditEvent
from yiwang.core.services import AUDIT_COLUMNS, audit_sql_params, audit_values, record_audit

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


def test_the_gateways_raw_audit_row_is_adapted_as_record_audit_adapts_it():
    # given: the values of one record, as the data-sharing gateway builds them for its own statement
    at = dt.datetime(2026, 12, 6, 16, 0, tzinfo=dt.UTC)
    values = audit_values(actor_id=None, actor_department_id=None, event_type="exchange_lookup_served",
                          subject_type="exchange_access", subject_id="", details={"purpose": "核验"}, at=at)
    # when / then: the same adaptation as record_audit's row (one home), prefixed for named parameters
    params = audit_sql_params(values, prefix="audit_")
    assert set(params) == {f"audit_{column}" for column in AUDIT_COLUMNS}
    assert json.loads(params["audit_details"]) == {"purpose": "核验"}
    # and details that are not JSON are refused, as record_audit (and save()) refuse them
    with pytest.raises(TypeError):
        audit_sql_params({**values, "details": {"day": dt.date(2026, 12, 6)}}, prefix="audit_")
