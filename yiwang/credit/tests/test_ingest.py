"""Departments push credit records through the data-sharing ingestion (a credit resource)."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from yiwang.core.errors import Forbidden, InvalidInput
from yiwang.credit.ingest import import_credit_dataset, ingest_credit_records, publish_credit_resource
from yiwang.credit.models import CreditRecord, CreditSubject, RecordSource
from yiwang.exchange.models import DataRow
from yiwang.testing import factories

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
