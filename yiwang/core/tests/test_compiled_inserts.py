"""An INSERT's text kept per connection (``core.statements._compiled_insert``): the statement and
parameters are Django's own for every set of rows, each call's values are its own, and the text is
compiled once per shape (model, number of rows, each value's placeholder)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connections
from django.db.models.expressions import RawSQL
from django.db.models.functions import Now
from django.db.models.sql import InsertQuery

from yiwang.core import statements
from yiwang.core.models import Notification, OutboxMessage
from yiwang.testing import factories

pytestmark = pytest.mark.django_db

T1 = dt.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=dt.UTC)


def _django(model, objs) -> tuple[str, list]:
    """What Django compiles for the same rows (the code before the text was kept)."""
    meta = model._meta
    query = InsertQuery(model)
    query.insert_values([f for f in meta.concrete_fields if not f.primary_key], list(objs), raw=False)
    compiler = query.get_compiler(using="default")
    compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, list(params)


def _comparable(compiled: tuple[str, list]) -> tuple[str, list]:
    """An encrypted value is sealed with a fresh nonce on every preparation: compared as its kind."""
    sql, params = compiled

    def one(p):
        if isinstance(p, list):  # PostgreSQL's UNNEST: a column's values as one array
            return [one(v) for v in p]
        return "<sealed>" if isinstance(p, str) and p.startswith("sm4g1.") else getattr(p, "obj", p)

    return sql, [one(p) for p in params]


def _outbox(applicant, channel, subject, **fields) -> OutboxMessage:
    return OutboxMessage(applicant=applicant, channel=channel, kind="k", subject=subject, body=f"body of {subject}",
                         **fields)


def test_each_set_of_rows_gets_djangos_statement_and_its_own_values(monkeypatch):
    user, applicant = factories.citizen()
    monkeypatch.setattr("django.utils.timezone.now", lambda: T1)  # auto_now_add: the same moment both ways
    sets = [
        [_outbox(applicant, "sms", "one", next_attempt_at=Now())],
        [_outbox(applicant, "sms", "two", next_attempt_at=Now()), _outbox(None, "email", "three", next_attempt_at=Now())],
        [_outbox(None, "sms", "four", next_attempt_at=T1, discard_after=T1)],  # a value where an expression was
        [_outbox(applicant, "email", "five", next_attempt_at=Now())],  # the first shape again, other values
        # plain values in several rows: on PostgreSQL one UNNEST of arrays, a column each
        [_outbox(applicant, "sms", "seven", next_attempt_at=T1), _outbox(None, "email", "eight", next_attempt_at=T1)],
        [_outbox(None, "sms", "nine", next_attempt_at=T1), _outbox(applicant, "sms", "ten", next_attempt_at=T1)],
        [_outbox(applicant, "sms", "six", next_attempt_at=Now(), notification_id=RawSQL("(SELECT 1)", []))],
    ]
    for objs in sets:
        got = statements._compiled_insert(OutboxMessage, objs, "default")
        assert _comparable(got) == _comparable(_django(OutboxMessage, objs))
    notices = [Notification(recipient=user, kind="k", title=f"t{i}", message="m", params={"n": i}) for i in range(2)]
    assert _comparable(statements._compiled_insert(Notification, notices, "default")) \
        == _comparable(_django(Notification, notices))  # JSON, a foreign key's instance, two rows


def test_the_text_is_compiled_once_per_shape_and_connection(monkeypatch):
    _user, applicant = factories.citizen()
    kept = connections["default"].__dict__.setdefault("_yiwang_compiled_inserts", {})
    kept.clear()
    compiles = []
    real = InsertQuery.get_compiler

    def counting(self, *args, **kwargs):
        compiler = real(self, *args, **kwargs)
        as_sql = compiler.as_sql
        compiler.as_sql = lambda: compiles.append(1) or as_sql()
        return compiler

    monkeypatch.setattr(InsertQuery, "get_compiler", counting)
    for subject in ("a", "b", "c"):
        sql, params = statements._compiled_insert(OutboxMessage, [_outbox(applicant, "sms", subject)], "default")
        assert f"body of {subject}" in params and not any(f"body of {s}" in params for s in "abc" if s != subject)
    assert len(compiles) == 1 and len(kept) == 1
    statements._compiled_insert(OutboxMessage, [_outbox(applicant, "sms", "d"), _outbox(applicant, "sms", "e")], "default")
    assert len(compiles) == 2 and len(kept) == 2


def test_a_value_pre_save_makes_is_made_once_and_is_the_one_written(settings):
    # created_at's default is a callable and a step's auto_now fields are made by pre_save: the row
    # inserted carries the object's own values, the ones pre_save left on it
    _user, applicant = factories.citizen()
    row = _outbox(applicant, "sms", "x", next_attempt_at=Now())
    statements.insert_together([row])
    stored = OutboxMessage.objects.get(pk=row.pk)
    assert stored.created_at == row.created_at and stored.subject == "x" and stored.applicant_id == applicant.pk
