"""An update compiled once per connection (``core.statements.PrecompiledUpdate``) is the statement
the queryset's ``update()`` would run, for every set of arguments and values, and writes the same
rows; what Django must compile itself (expressions) it still compiles on every call."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yiwang.core import statements
from yiwang.core.models import Notification, OutboxMessage
from yiwang.core.statements import BoundUpdate, PrecompiledUpdate, compiled_update, update_together
from yiwang.testing import factories

pytestmark = pytest.mark.django_db

BY_PK = PrecompiledUpdate(lambda pk: OutboxMessage.objects.filter(pk=pk), pk=int)
BY_CHANNEL_AND_APPLICANT = PrecompiledUpdate(
    lambda channel, applicant_id: OutboxMessage.objects.filter(channel=channel, applicant_id=applicant_id,
                                                                status="pending"),
    channel=str, applicant_id=int)
NOTICE_BY_PK = PrecompiledUpdate(lambda pk: Notification.objects.filter(pk=pk), pk=int)

T1 = dt.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=dt.UTC)
T2 = dt.datetime(2027, 12, 31, 23, 59, 58, 1, tzinfo=dt.UTC)


def _row(applicant=None, channel="sms", **fields) -> OutboxMessage:
    return OutboxMessage.objects.create(applicant=applicant, channel=channel, kind="k", subject="s", body="b", **fields)


def _sealed(param):
    """An encrypted value is sealed with a fresh nonce on every preparation: compared as its kind."""
    return "<sealed>" if isinstance(param, str) and param.startswith("sm4g1.") else param


def _same_statement(bound: BoundUpdate, queryset, values) -> None:
    sql, params = compiled_update(queryset, values)
    assert (bound.sql, bound.params, bound.alias) == (sql, params, queryset.db)


def test_each_set_of_arguments_and_values_binds_the_statement_django_compiles():
    _user, applicant = factories.citizen()
    _user2, other = factories.citizen("citizen2", first17="11010119900307852", name="李四")
    rows = [_row(applicant), _row(other), _row(None)]
    cases = [
        ({"status": "sent", "attempts": 3, "sent_at": T1}, rows[0].pk),
        ({"status": "failed", "attempts": 7, "sent_at": T2}, rows[1].pk),  # same shape, other values
        ({"applicant": other, "next_attempt_at": T2, "last_error": "x" * 40}, rows[2].pk),  # a foreign key's instance
        ({"applicant": None, "discard_after": None, "last_error": ""}, rows[0].pk),  # NULLs: "= NULL", no parameter
        ({"applicant_id": applicant.pk, "discard_after": T1}, rows[2].pk),  # same names' other shape, by attname
        ({"status": "sent", "attempts": 0, "sent_at": None}, 2**40),  # a row that does not exist
        # None as the field prepares it: an encrypted field's None, a JSON field's (SQL NULL)
        ({"sealed_body": None, "last_error": "y"}, rows[1].pk),
        ({"sealed_body": "秘密", "last_error": "z"}, rows[1].pk),
    ]
    for values, pk in cases:
        bound = BY_PK.bind(values, pk=pk)
        sql, expected = compiled_update(OutboxMessage.objects.filter(pk=pk), values)
        assert (bound.sql, bound.alias) == (sql, "default")
        assert [_sealed(p) for p in bound.params] == [_sealed(p) for p in expected]
    for channel, applicant_id in [("sms", applicant.pk), ("email", other.pk), ("sms", other.pk)]:
        values = {"attempts": applicant_id, "last_error": channel}  # values equal to the arguments
        queryset = OutboxMessage.objects.filter(channel=channel, applicant_id=applicant_id, status="pending")
        _same_statement(BY_CHANNEL_AND_APPLICANT.bind(values, channel=channel, applicant_id=applicant_id),
                        queryset, values)
    params = {"number": "YW1", "nested": [1, {"a": None}]}
    notice = Notification.objects.create(recipient=_user, kind="k", title="t", message="m", params={})
    for values in ({"params": params, "read_at": T1}, {"params": {"other": 2}, "read_at": None},
                   {"params": None, "read_at": None}):
        bound = NOTICE_BY_PK.bind(values, pk=notice.pk)
        sql, expected = compiled_update(Notification.objects.filter(pk=notice.pk), values)
        assert bound.sql == sql
        assert [getattr(p, "obj", p) for p in bound.params] == [getattr(p, "obj", p) for p in expected]  # JSON adapted


def test_no_value_of_one_call_is_bound_into_the_next():
    _user, applicant = factories.citizen()
    first, second = _row(applicant), _row(applicant)
    BY_PK.bind({"status": "sent", "attempts": 11, "last_error": "first call's"}, pk=first.pk)
    bound = BY_PK.bind({"status": "failed", "attempts": 22, "last_error": "second call's"}, pk=second.pk)
    assert "first call's" not in bound.params and 11 not in bound.params and first.pk not in bound.params
    assert bound.params == compiled_update(OutboxMessage.objects.filter(pk=second.pk),
                                           {"status": "failed", "attempts": 22, "last_error": "second call's"})[1]


def test_it_writes_what_update_writes_and_only_the_rows_it_names():
    _user, applicant = factories.citizen()
    target, untouched = _row(applicant), _row(applicant)
    with transaction.atomic():
        count = BY_PK.run({"status": "sent", "attempts": 4, "sent_at": T1, "sealed_body": "秘密", "discard_after": None},
                          pk=target.pk)
        missing = BY_PK.run({"status": "sent"}, pk=2**40)
    assert (count, missing) == (1, 0)
    target.refresh_from_db()
    untouched.refresh_from_db()
    assert (target.status, target.attempts, target.sent_at, target.sealed_body, target.discard_after) == (
        "sent", 4, T1, "秘密", None)
    assert (untouched.status, untouched.attempts, untouched.sent_at, untouched.sealed_body) == ("pending", 0, None, "")


def test_it_compiles_once_per_connection_and_shape(monkeypatch):
    _user, applicant = factories.citizen()
    row = _row(applicant)
    fresh = PrecompiledUpdate(lambda pk: OutboxMessage.objects.filter(pk=pk), pk=int)
    compiles = []
    real = statements.compiled_update
    monkeypatch.setattr(statements, "compiled_update", lambda qs, values: compiles.append(1) or real(qs, values))
    for attempts in (1, 2, 3):
        fresh.bind({"attempts": attempts, "sent_at": T1}, pk=row.pk)
    assert len(compiles) == 2  # the two sentinel builds of the first call
    fresh.bind({"attempts": 4, "sent_at": None}, pk=row.pk)  # another shape: "= NULL"
    assert len(compiles) == 4
    with CaptureQueriesContext(connection) as queries:
        fresh.run({"attempts": 5, "sent_at": T2}, pk=row.pk)
    assert len(queries) == 1 and len(compiles) == 4
    row.refresh_from_db()
    assert (row.attempts, row.sent_at) == (5, T2)


def test_expressions_are_compiled_by_django_on_every_call_and_still_write_the_same():
    _user, applicant = factories.citizen()
    row = _row(applicant, attempts=2)
    for values in ({"attempts": F("attempts") + 1}, {"next_attempt_at": Now()}, {"last_error": Value("v")}):
        _same_statement(BY_PK.bind(values, pk=row.pk), OutboxMessage.objects.filter(pk=row.pk), values)
    before = timezone.now()
    with transaction.atomic():
        BY_PK.run({"attempts": F("attempts") + 1, "next_attempt_at": Now()}, pk=row.pk)
    row.refresh_from_db()
    assert row.attempts == 3 and row.next_attempt_at >= before - dt.timedelta(seconds=5)


def test_bound_updates_go_together_with_querysets():
    _user, applicant = factories.citizen()
    a, b = _row(applicant), _row(applicant)
    with transaction.atomic():
        update_together(BY_PK.bind({"attempts": 8}, pk=a.pk), (OutboxMessage.objects.filter(pk=b.pk), {"attempts": 9}))
    assert sorted(OutboxMessage.objects.filter(pk__in=[a.pk, b.pk]).values_list("attempts", flat=True)) == [8, 9]


def test_arguments_must_be_the_declared_ones():
    with pytest.raises(TypeError):
        BY_PK.bind({"attempts": 1}, id=1)


def test_it_writes_to_the_routers_database_for_writes_as_update_does(monkeypatch):
    _user, applicant = factories.citizen()
    row = _row(applicant)
    asked = []
    from django.db import router

    real = router.db_for_write
    monkeypatch.setattr(router, "db_for_write", lambda model, **hints: asked.append(model) or real(model, **hints))
    fresh = PrecompiledUpdate(lambda pk: OutboxMessage.objects.filter(pk=pk), pk=int)
    assert fresh.bind({"attempts": 1}, pk=row.pk).alias == "default"
    assert fresh.bind({"attempts": F("attempts") + 1}, pk=row.pk).alias == "default"  # Django's own path too
    assert OutboxMessage in asked
    assert fresh.run({}, pk=row.pk) == 0  # no values: nothing to write, as update() with none
