"""Departments push credit records through the data-sharing ingestion (a credit resource)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client

from yiwang.core.errors import Forbidden, InvalidInput
from yiwang.core.models import AuditEvent
from yiwang.credit.ingest import import_credit_dataset, ingest_credit_records, publish_credit_resource
from yiwang.credit.models import CreditRecord, CreditSubject, RecordSource
from yiwang.credit.tests.conftest import credit_officer
from yiwang.exchange.models import DataRow, DatasetStatus
from yiwang.exchange.services import confirm_dataset
from yiwang.testing import factories
from yiwang.testing.http import bearer

pytestmark = pytest.mark.django_db

HEADER = "record_no,subject_kind,subject_code,subject_name,kind,title,basis,severity,decided_on,publicity_end\n"


def csv(*rows: str) -> io.BytesIO:
    return io.BytesIO((HEADER + "".join(r + "\n" for r in rows)).encode("utf-8"))


@pytest.fixture
def source(db):
    return publish_credit_resource(actor=None, department=factories.department("SCJG"), code="SCJG_XYXX")


def test_a_pushed_file_becomes_records_of_the_pushing_department(source):
    firm = factories.uscc("91330100MA2B3C4D5")
    person = factories.citizen_id("11010119900307851")
    good = factories.uscc("91330100MA2B3C4D6")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    day = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    steward = factories.user("steward", SCJG="steward")
    outcome = ingest_credit_records(actor=steward, source=source, file_name="xy.csv", stream=csv(
        f"罚1,org,{firm},某公司,penalty,无照经营,《条例》,general,{day},",
        f"罚2,person,{person},张三,penalty,占道经营,《办法》,,{day},",
        f"许1,org,{firm},某公司,licence,食品经营许可,《食品安全法》,,{day},",
        f"罚3,org,{wrong},错码公司,penalty,无照经营,《条例》,,{day},",
    ))
    assert outcome.created == 3 and outcome.rejected_count == 1
    assert "校验位" in outcome.rejected[0]["problem"] and outcome.rejected[0]["record_no"] == "罚3"
    records = CreditRecord.objects.filter(source=RecordSource.INGESTED)
    assert {r.source_department.code for r in records} == {"SCJG"}
    assert {r.source_ref for r in records} == {f"dataset:{outcome.dataset.pk}"}
    people = CreditSubject.objects.filter(kind="person")
    assert people.count() == 1 and people.get().code == "" and people.get().id_number == person
    # the person's number was sealed in the shared row, not stored in clear
    assert all(person not in str(row.values) for row in DataRow.objects.all())
    # the same version is not turned into records twice
    with pytest.raises(InvalidInput):
        import_credit_dataset(actor=steward, dataset=outcome.dataset)


def test_a_second_push_skips_records_already_entered(source):
    firm = factories.uscc("91330100MA2B3C4D5")
    day = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    row = f"罚1,org,{firm},某公司,penalty,无照经营,《条例》,general,{day},"
    ingest_credit_records(actor=None, source=source, file_name="a.csv", stream=csv(row))
    second = ingest_credit_records(actor=None, source=source, file_name="b.csv", stream=csv(
        row, f"罚2,org,{firm},某公司,penalty,超范围经营,《条例》,general,{day},"))
    assert second.created == 1 and second.skipped == 1
    assert CreditRecord.objects.count() == 2


def test_a_quoted_cell_with_a_line_break_is_stored_whole_as_it_was_counted(source):
    """A title of 300 characters once its CR LF counts one: before, the import stored it raw and
    cut to 300 (its last character lost, silently)."""
    firm = factories.uscc("91330100MA2B3C4D5")
    day = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    title = "罚" * 150 + "\r\n" + "款" * 149
    outcome = ingest_credit_records(actor=None, source=source, file_name="a.csv", stream=csv(
        f'罚1,org,{firm},某公司,penalty,"{title}",《条例》,general,{day},'))
    assert outcome.created == 1 and outcome.rejected_count == 0
    assert CreditRecord.objects.get().title == "罚" * 150 + "\n" + "款" * 149


def test_only_the_departments_steward_pushes_its_credit_records(source):
    other = factories.user("other", SW="steward")
    with pytest.raises(Forbidden):
        ingest_credit_records(actor=other, source=source, file_name="a.csv", stream=csv())


def test_a_record_dated_in_the_future_or_ending_before_its_decision_is_rejected(source):
    firm = factories.uscc("91330100MA2B3C4D5")
    future = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    day = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    before = (dt.date.today() - dt.timedelta(days=20)).isoformat()
    outcome = ingest_credit_records(actor=None, source=source, file_name="a.csv", stream=csv(
        f"罚1,org,{firm},某公司,penalty,无照经营,《条例》,,{future},",
        f"罚2,org,{firm},某公司,penalty,无照经营,《条例》,,{day},{before}",
        f"罚3,org,{firm},某公司,penalty,无照经营,《条例》,,{day},"))
    assert outcome.created == 1 and outcome.rejected_count == 2


@pytest.fixture
def held(source):
    """A push held for the steward's confirmation: a full snapshot of one row where the current
    version has three (below the 50 % shrink limit) — the first push became records already."""
    firm = factories.uscc("91330100MA2B3C4D5")
    day = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    steward = factories.user("steward", SCJG="steward")
    first = ingest_credit_records(actor=steward, source=source, file_name="all.csv", stream=csv(
        *(f"罚{i},org,{firm},某公司,penalty,无照经营,《条例》,general,{day}," for i in range(1, 4))))
    assert first.created == 3
    outcome = ingest_credit_records(actor=steward, source=source, file_name="held.csv", stream=csv(
        f"罚9,org,{firm},某公司,penalty,超范围经营,《条例》,general,{day},"))
    assert outcome.dataset.status == DatasetStatus.HELD and outcome.created == 0
    return steward, outcome.dataset


def test_a_held_dataset_is_turned_into_records_from_the_page_once_its_steward_confirmed_it(held):
    steward, dataset = held
    officer = credit_officer("scjg_credit", "SCJG")
    client = Client()
    client.force_login(officer)
    # the page lists it, waiting for the steward: the action is refused in words, nothing is entered
    page = client.get("/credit/datasets/").content.decode()
    assert f'id="dataset-{dataset.pk}"' in page and "待数据管理员确认" in page
    response = client.post("/credit/datasets/", {"dataset": str(dataset.pk)}, follow=True)
    assert "确认入库后才能转为信用记录" in response.content.decode()
    assert not CreditRecord.objects.filter(source_ref=f"dataset:{dataset.pk}").exists()
    # once the steward has confirmed it, the credit officer turns it into records, audited
    confirm_dataset(actor=steward, dataset=dataset, reason="错码一行已知")
    response = client.post("/credit/datasets/", {"dataset": str(dataset.pk)}, follow=True)
    body = response.content.decode()
    assert "新增 1 条" in body and "有误未转 0 条" in body
    assert CreditRecord.objects.filter(source_ref=f"dataset:{dataset.pk}").count() == 1
    event = AuditEvent.objects.filter(event_type="credit_records_ingested").latest("id")
    assert event.actor_id == officer.pk and event.details["created"] == 1
    # and it is no longer listed; doing it again is refused in words
    assert f'id="dataset-{dataset.pk}"' not in client.get("/credit/datasets/").content.decode()
    response = client.post("/credit/datasets/", {"dataset": str(dataset.pk)}, follow=True)
    assert "已转为信用记录" in response.content.decode()
    assert CreditRecord.objects.filter(source_ref=f"dataset:{dataset.pk}").count() == 1


def test_another_departments_credit_officer_cannot_import_and_bad_ids_are_refused_in_words(held):
    steward, dataset = held
    confirm_dataset(actor=steward, dataset=dataset)
    other = credit_officer("sw_credit", "SW")
    client = Client()
    client.force_login(other)
    assert f'id="dataset-{dataset.pk}"' not in client.get("/credit/datasets/").content.decode()
    response = client.post(f"/api/v1/credit/datasets/{dataset.pk}/import", **bearer(client, "sw_credit"))
    assert response.status_code == 403 and "信用管理人员" in response.json()["message"]
    response = client.post("/api/v1/credit/datasets/999999/import", **bearer(client, "sw_credit"))
    assert response.status_code == 404
    for bad in ("abc", "-1", "9" * 30, ""):
        response = client.post("/credit/datasets/", {"dataset": bad}, follow=True)
        assert response.status_code == 200 and "没有这个数据集版本" in response.content.decode()
    assert not CreditRecord.objects.filter(source_ref=f"dataset:{dataset.pk}").exists()
    # the department's own credit officer can, through the API too
    officer = credit_officer("scjg_credit", "SCJG")
    response = client.post(f"/api/v1/credit/datasets/{dataset.pk}/import", **bearer(client, "scjg_credit"))
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1 and officer is not None


def test_a_citizen_cannot_open_the_credit_datasets_page(world):
    client = Client()
    client.force_login(world.citizen)
    assert client.get("/credit/datasets/").status_code == 403


def test_subjects_are_found_in_chunks_so_a_large_dataset_stays_under_the_parameter_limit(source, monkeypatch):
    """PostgreSQL with server-side binding takes at most 65,535 parameters a statement: the subjects of
    a dataset are looked up a chunk at a time (here 2, so that 5 subjects take 3 lookups)."""
    from yiwang.credit import ingest

    monkeypatch.setattr(ingest, "SUBJECT_LOOKUP_CHUNK", 2)
    firms = [factories.uscc(f"91330100MA2B3C4{n}{n}") for n in range(5)]
    day = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    ingest_credit_records(actor=None, source=source, file_name="a.csv", stream=csv(
        *(f"罚{n},org,{firm},公司{n},penalty,无照经营,《条例》,general,{day}," for n, firm in enumerate(firms[:3]))))
    second = ingest_credit_records(actor=None, source=source, file_name="b.csv", stream=csv(
        *(f"再{n},org,{firm},公司{n},penalty,超范围经营,《条例》,general,{day}," for n, firm in enumerate(firms))))
    assert second.created == 5
    assert CreditSubject.objects.count() == 5
    for firm in firms:
        assert {r.subject.code for r in CreditRecord.objects.filter(subject__code=firm)} == {firm}
    assert [CreditRecord.objects.filter(subject__code=firm).count() for firm in firms] == [2, 2, 2, 1, 1]


@pytest.mark.django_db(transaction=True)
def test_a_subject_created_by_another_writer_during_the_import_is_found_not_a_500():
    # given a file naming a company not yet on file, and another writer (an entry by hand) creating
    # that company between the import's look-up of its subjects and its insert of the new ones
    import threading

    from django.db import connection, transaction

    from yiwang.credit import ingest, services
    from yiwang.credit.models import CreditFactsSummary

    source = publish_credit_resource(actor=None, department=factories.department("SCJG"), code="SCJG_XYXX")
    steward = factories.user("steward", SCJG="steward")
    firm = factories.uscc("91330100MA2B3C4D5")
    day = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    look_up = ingest._subjects_by_index
    failures: list[BaseException] = []
    other_writer = threading.Thread(target=_create_company, args=(firm, failures))
    calls = []

    def look_up_while_another_writer_creates(indexes):
        found = look_up(indexes)
        if not calls and connection.vendor == "postgresql":  # the first look-up of the first attempt
            other_writer.start()  # it commits now: nothing of this import holds that row yet
            other_writer.join(timeout=30)
        calls.append(indexes)
        return found

    ingest._subjects_by_index = look_up_while_another_writer_creates
    try:
        # when the file is imported
        outcome = ingest_credit_records(actor=steward, source=source, file_name="xy.csv", stream=csv(
            f"罚1,org,{firm},某公司,penalty,无照经营,《条例》,general,{day},"))
    finally:
        ingest._subjects_by_index = look_up
    if connection.vendor == "sqlite":
        # SQLite's writers take the database in turn (BEGIN IMMEDIATE): the other writer comes after
        other_writer.start()
        other_writer.join(timeout=30)

    assert not other_writer.is_alive() and failures == []
    # then the import made its record, on the one subject of that company (PostgreSQL: the first
    # attempt met the other writer's subject and was rolled back; the second found it on file)
    assert outcome.created == 1
    subject = CreditSubject.objects.get(kind="org", code=firm)
    assert CreditRecord.objects.get(decision_no="罚1").subject_id == subject.pk
    # and its facts summary is current, with the penalty in it
    summary = CreditFactsSummary.objects.get(subject=subject)
    assert summary.facts_version == subject.facts_version and summary.penalties_12m == 1
    with transaction.atomic():
        assert services.find_subject("org", subject.id_index).pk == subject.pk


def _create_company(code: str, failures: list[BaseException]) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from yiwang.credit import services

    try:
        with transaction.atomic():  # as every writer of a subject: found or created and bumped, then kept
            subject = services.ensure_subject(kind="org", id_number=code, name="某公司", department=None,
                                              for_write=True)
            services.keep_facts_summaries([subject.pk], timezone.now())
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        failures.append(exc)
    finally:
        connection.close()
