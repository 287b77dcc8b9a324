"""A citizen's application form whose transaction loses the database at COMMIT (a failover in the
middle of it): the person gets the 503 page saying when to try again and to look at 我的办件
first, not a 500 (yiwang/core/ops/unavailable.py); nothing of the application is half-written;
sending the same form again makes the case once.

The COMMIT is lost the way a failover loses it: the server never commits (the transaction is
rolled back underneath) and the driver raises OperationalError. Only the COMMIT of the
transaction that wrote the case is lost; the uploads staged before it commit as they would."""

from __future__ import annotations

import re

import pytest
from django.db import OperationalError, connection
from django.http import HttpRequest
from django.test import Client

from yiwang.cases.integrity import check_all
from yiwang.cases.models import Case, CaseStep
from yiwang.core.models import AuditEvent, OutboxMessage
from yiwang.testing import factories

pytestmark = pytest.mark.django_db(transaction=True)  # real COMMITs, not the test's savepoints


@pytest.fixture
def commit_of_a_case_is_lost(monkeypatch):
    lost: list[int] = []
    real_commit = connection._commit

    def commit() -> None:
        if not lost and Case.objects.exists():  # this transaction wrote the case (no case before it)
            lost.append(Case.objects.count())
            connection.connection.rollback()  # the server never committed it
            raise OperationalError("server closed the connection unexpectedly\n\tThis probably means the server "
                                   "terminated abnormally before or while processing the request.")
        real_commit()

    monkeypatch.setattr(connection, "_commit", commit)
    return lost


def test_an_application_whose_commit_is_lost_answers_503_and_leaves_nothing_half_written(
        world, commit_of_a_case_is_lost, caplog):
    client = Client(raise_request_exception=False)  # answer as a server would
    assert client.login(request=HttpRequest(), username="citizen", password="pw-citizen")
    form = client.get(f"/items/{world.item.code}/apply/").content.decode()
    token = re.search(r'name="submission_token" value="([0-9a-f]+)"', form).group(1)
    audit_before = AuditEvent.objects.count()

    def post() -> object:
        materials = {f"material_{m.pk}": factories.upload_file() for m in world.item.materials.filter(required=True)}
        return client.post(f"/items/{world.item.code}/apply/", {"submission_token": token, "shop_name": "青禾小馆",
                                                                **materials})

    page = post()

    assert commit_of_a_case_is_lost == [1]  # the COMMIT of the case's transaction was the one lost
    assert page.status_code == 503 and page["Retry-After"] == "5" and page["Cache-Control"] == "no-store"
    text = page.content.decode()
    assert "服务暂时不可用" in text and "我的办件" in text and "5 秒后重试" in text
    # nothing of the application: no case, no step, no audit record of it, no notification queued
    assert not Case.objects.exists() and not CaseStep.objects.exists() and not OutboxMessage.objects.exists()
    assert AuditEvent.objects.count() == audit_before
    integrity = check_all([])
    assert integrity["ok"], integrity["findings"]
    assert not [r for r in caplog.records if r.levelno >= 40]  # a WARNING, not Django's ERROR for a 5xx

    # the same form sent again (its submission token is the idempotency key) makes the case, once
    again = post()
    case = Case.objects.get()
    assert again.status_code == 302 and again["Location"].endswith(f"/me/cases/{case.number}/?receipt=1")
    assert post().status_code == 302 and Case.objects.count() == 1
