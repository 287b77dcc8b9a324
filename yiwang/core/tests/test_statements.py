"""Writes sent together (``core.statements``): on PostgreSQL one statement, elsewhere one each, and
the same rows either way (a notice with its outbox rows; updates of two tables). The credit
register's use: ``credit/tests/test_register_statements.py``."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yiwang.core import notify
from yiwang.core.models import Department, Notification, OutboxMessage
from yiwang.core.statements import insert_if, insert_numbered, insert_together, update_together
from yiwang.testing import factories

pytestmark = pytest.mark.django_db

ONE_STATEMENT = connection.vendor == "postgresql"


def _two_channels(settings: Any) -> None:
    settings.YIWANG_NOTIFY_CHANNELS = {
        "sms": {"BACKEND": "yiwang.core.notify.ConsoleChannel", "OPTIONS": {"address_field": "phone"}},
        "email": {"BACKEND": "yiwang.core.notify.ConsoleChannel", "OPTIONS": {"address_field": "email"}},
    }


def test_a_notice_and_its_outbox_rows_are_one_statement_on_postgresql_and_each_row_names_its_notice(settings):
    # given an applicant with an account and two channels
    _two_channels(settings)
    _user, applicant = factories.citizen()
    # when they are notified inside an event's transaction
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        notice = notify.notify_applicant(applicant=applicant, kind="case_accepted", title="申请已受理",
                                         body="您的办件 %(number)s 已受理。", params={"number": "YW1"},
                                         case_number="YW1", link="/me/cases/YW1/")
    # then the notice and both outbox rows are written, each row naming the notice, in one statement
    # on PostgreSQL (two elsewhere), besides the savepoint and its release
    writes = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(writes) == (1 if ONE_STATEMENT else 2), writes
    assert notice is not None and notice.pk is not None
    stored = Notification.objects.get(pk=notice.pk)
    assert (stored.recipient_id, stored.message, stored.params, stored.link) == (
        applicant.user_id, "您的办件 %(number)s 已受理。", {"number": "YW1"}, "/me/cases/YW1/")
    assert stored.created_at is not None
    rows = OutboxMessage.objects.filter(case_number="YW1").order_by("channel")
    assert [(r.channel, r.notification_id, r.applicant_id, r.subject, r.body) for r in rows] == [
        ("email", notice.pk, applicant.pk, "申请已受理", "您的办件 YW1 已受理。"),
        ("sms", notice.pk, applicant.pk, "申请已受理", "您的办件 YW1 已受理。"),
    ]
    assert all(r.next_attempt_at is not None for r in rows)


def test_an_applicant_without_an_account_gets_outbox_rows_without_a_notice(settings):
    _two_channels(settings)
    # given a walk-in applicant, who has no account
    _user, applicant = factories.citizen()
    applicant.user = None
    applicant.save()
    # when notified
    with transaction.atomic():
        notice = notify.notify_applicant(applicant=applicant, kind="case_accepted", title="申请已受理",
                                         body="您的办件 %(number)s 已受理。", params={"number": "YW2"}, case_number="YW2")
    # then the outbox rows are written, naming no notice
    assert notice is None
    assert sorted(OutboxMessage.objects.filter(case_number="YW2").values_list("channel", "notification_id")) == [
        ("email", None), ("sms", None)]


def test_rows_updated_together_take_every_value_and_touch_only_their_rows():
    # given two applicants
    _u1, first = factories.citizen()
    _u2, second = factories.citizen("citizen2", first17="11010119900307852", name="李四")
    # when one applicant's name and (no) notice of another table change together
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        update_together(
            (type(first).objects.filter(pk=first.pk), {"name": "甲"}),
            (Notification.objects.filter(pk=-1), {"read_at": timezone.now()}),
        )
    writes = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(writes) == (1 if ONE_STATEMENT else 2), writes
    # then one statement on PostgreSQL (two elsewhere) wrote the one row its queryset names
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.name, second.name) == ("甲", "李四")


def test_rows_inserted_with_an_update_get_their_ids_and_the_update_is_made(settings):
    # given an applicant with an account
    _user, applicant = factories.citizen()
    notices = [Notification(recipient_id=applicant.user_id, kind="general", message=f"消息{i}") for i in range(2)]
    # when two notices are inserted together with an update of the applicant's name
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        insert_together(notices, updates=[(type(applicant).objects.filter(pk=applicant.pk), {"name": "乙"})])
    # then one statement on PostgreSQL (two elsewhere) wrote both rows, their ids set, and the update
    writes = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(writes) == (1 if ONE_STATEMENT else 2), writes
    assert [n.pk for n in notices] == list(
        Notification.objects.filter(recipient_id=applicant.user_id).order_by("pk").values_list("pk", flat=True))
    assert [Notification.objects.get(pk=n.pk).message for n in notices] == ["消息0", "消息1"]
    applicant.refresh_from_db()
    assert applicant.name == "乙"


def test_a_row_inserted_if_is_written_only_when_its_conditions_hold_and_nothing_like_it_exists():
    # given one department
    factories.department("ZWFW", "政务服务管理局")
    zwfw = Department.objects.filter(code="ZWFW")

    def attempt(code: str, **conditions: Any) -> tuple[bool, Department]:
        row = Department(code=code, name=f"部门{code}", sort_order=7)
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            inserted = insert_if(row, **conditions)
        # always one statement, on both databases
        assert len([q for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]) == 1
        return inserted, row

    # when a row is inserted whose condition on another row fails, it is not written
    assert attempt("A", present=Department.objects.filter(code="NONE"))[0] is False
    assert attempt("A", absent=zwfw)[0] is False
    assert not Department.objects.filter(code="A").exists()
    # when the conditions hold, it is written with its values and gets its id
    inserted, row = attempt("A", present=zwfw, absent=Department.objects.filter(code="NONE"))
    assert inserted and Department.objects.values_list("pk", "code", "name", "sort_order").get(code="A") == (
        row.pk, "A", "部门A", 7)
    # and a row a unique constraint already holds is not written again, nor does it raise
    again_inserted, again = attempt("A", present=zwfw)
    assert again_inserted is False and again.pk is None
    assert Department.objects.filter(code="A").count() == 1


@pytest.mark.parametrize("width", [1, 20])
def test_a_numbered_row_gets_its_number_from_its_own_id_in_its_insert(width):
    # given a row to number (a department's code stands in for a number)
    row = Department(code="", name="编号部门")
    # when it is inserted with its number
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        insert_numbered(row, field="code", prefix="D", width=width)
    # then the number is the prefix and the id, zero-padded to the width (a longer id keeps every
    # digit), stored and set, in one statement on PostgreSQL (insert and update elsewhere)
    writes = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(writes) == (1 if ONE_STATEMENT else 2), writes
    assert row.code == f"D{row.pk:0{width}d}"
    assert Department.objects.values_list("code", "name").get(pk=row.pk) == (row.code, "编号部门")
