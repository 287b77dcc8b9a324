"""Ingestion as a provider meets it: formats, bad rows, wrong encodings, duplicates, versions, 一数一源."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from openpyxl import Workbook

from yiwang.core.errors import DomainError
from yiwang.core.ids import citizen_id_check_digit
from yiwang.core.models import Applicant, ApplicantKind
from yiwang.exchange import services
from yiwang.exchange.models import AccessLog, DataResource, DataRow, DatasetStatus, FieldStandard, FieldType, KeyKind
from yiwang.exchange.tests.conftest import grant_source_in_clear, people_csv, zhang
from yiwang.testing import factories

pytestmark = pytest.mark.django_db

HEADER = "id_number,name,gender,birth_date,address,household_type,police_notes,religion"


def person(i: int) -> str:
    first17 = f"330999{dt.date(1950, 1, 1) + dt.timedelta(days=i * 37):%Y%m%d}{i % 1000:03d}"
    return first17 + citizen_id_check_digit(first17)


def good_line(i: int) -> str:
    n = person(i)
    return f"{n},居民{i},{'女' if int(n[16]) % 2 == 0 else '男'},{n[6:10]}-{n[10:12]}-{n[12:14]},某县{i}号,居民,无,无"


def ingest(county, data: bytes, name: str = "rk.csv", **kw):
    return services.ingest_dataset(actor=county.ga_steward, resource=county.people, stream=io.BytesIO(data), file_name=name, **kw)


def test_a_dataset_with_ten_percent_bad_rows_loads_every_good_row_and_reports_each_bad_one(county, settings):
    settings.YIWANG_EXCHANGE_HOLD_REJECTED_SHARE = 0.2  # loading is tested here; holding in test_held_pushes
    # given: 100 rows, every tenth broken in a different way
    lines = [HEADER]
    broken = {}
    for i in range(100):
        line = good_line(i)
        if i % 10 == 3:
            cells = line.split(",")
            kind = (i // 10) % 4
            if kind == 0:
                cells[0] = cells[0][:17] + ("0" if cells[0][17] != "0" else "1")
                broken[i + 2] = ("id_number", "citizen_id_check_digit")
            elif kind == 1:
                cells[3] = "1990-02-30"
                broken[i + 2] = ("birth_date", "date")
            elif kind == 2:
                cells[5] = "城镇"
                broken[i + 2] = ("household_type", "enum")
            else:
                cells[1] = ""
                broken[i + 2] = ("name", "required")
            line = ",".join(cells)
        lines.append(line)
    # when
    result = ingest(county, ("\n".join(lines) + "\n").encode())
    # then
    ds = result.dataset
    assert (ds.rows_read, ds.rows_loaded, ds.rows_rejected, ds.status) == (100, 90, 10, DatasetStatus.LOADED)
    assert {e["row"]: (e["field"], e["reason"]) for e in result.report["errors"]} == broken
    assert DataRow.objects.filter(resource=county.people, version=ds.version).count() == 90
    county.people.refresh_from_db()
    assert county.people.current_version == ds.version and county.people.row_count == 90
    assert result.report["fields"]["household_type"]["invalid"] == sum(1 for f, _r in broken.values() if f == "household_type")


def test_gbk_bytes_are_refused_clearly_and_the_current_version_is_kept(county):
    # given
    data = people_csv().decode().encode("gbk")
    # when
    with pytest.raises(DomainError) as caught:
        ingest(county, data)
    # then
    assert (caught.value.status, caught.value.code, caught.value.details["detected"]) == (422, "wrong_encoding", "gbk")
    assert "GBK" in caught.value.message
    county.people.refresh_from_db()
    assert county.people.current_version == 1


def test_gbk_is_decoded_when_declared(county):
    result = ingest(county, people_csv().decode().encode("gbk"), encoding="gbk")
    assert result.dataset.rows_loaded == 3 and result.dataset.encoding == "gb18030"
    assert services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"]).data == {"name": "张*"}


def test_one_line_in_a_wrong_encoding_rejects_that_row_only(county):
    # given: a UTF-8 file with one GBK-encoded line far from the start
    head = [HEADER] + [good_line(i) for i in range(5)]
    data = ("\n".join(head) + "\n").encode() + (good_line(5).replace("居民5", "王五") + "\n").encode("gbk") + (good_line(6) + "\n").encode()
    # when
    result = ingest(county, data)
    # then
    assert (result.dataset.rows_loaded, result.dataset.rows_rejected) == (6, 1)
    assert result.report["errors"][0]["row"] == 7 and result.report["errors"][0]["reason"] == "encoding"


def test_duplicate_keys_are_reported_and_the_first_row_kept(county):
    # given
    data = "\n".join([HEADER, good_line(1), good_line(2), good_line(1).replace("居民1", "重复"), ""]).encode()
    # when
    result = ingest(county, data)
    # then
    assert (result.dataset.rows_loaded, result.dataset.duplicates) == (2, 1)
    error = result.report["errors"][0]
    assert (error["row"], error["reason"]) == (4, "duplicate_key") and "第 2 行" in error["message"]


def test_versions_are_kept_and_lookups_read_the_current_one(county, now, settings):
    settings.YIWANG_EXCHANGE_HOLD_SHRINK = 0  # a one-row version replaces three here; holding in test_held_pushes
    # when
    second = ingest(county, "\n".join([HEADER, good_line(1), ""]).encode())
    # then: version 1 rows are still stored, lookups answer from version 2
    assert second.dataset.version == 2
    assert DataRow.objects.filter(resource=county.people, version=1).count() == 3
    assert not services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"], now=now).found


def test_a_dataset_without_one_valid_row_is_kept_as_rejected_and_changes_nothing(county):
    # when
    result = ingest(county, "\n".join([HEADER, good_line(1).replace("居民", "城镇户口", 1).replace(",居民,", ",城镇,"), ""]).encode())
    # then
    assert result.dataset.status == DatasetStatus.REJECTED and result.dataset.rows_loaded == 0
    county.people.refresh_from_db()
    assert county.people.current_version == 1


def test_a_file_without_the_key_column_is_refused(county):
    with pytest.raises(DomainError) as caught:
        ingest(county, b"name,gender\n\xe5\xbc\xa0\xe4\xb8\x89,\xe7\x94\xb7\n")
    assert (caught.value.code, caught.value.details["column"]) == ("key_column_missing", "id_number")


def test_chinese_headers_and_a_bom_are_accepted(county):
    data = "\ufeff公民身份号码,姓名,出生日期,性别\n" + f"{person(7)},赵六,{person(7)[6:10]}-{person(7)[10:12]}-{person(7)[12:14]},1\n"
    result = ingest(county, data.encode())
    assert result.dataset.rows_loaded == 1 and result.report["columns"] == ["id_number", "name", "birth_date", "gender"]


def test_excel_workbooks_are_read(county):
    # given
    book = Workbook()
    sheet = book.active
    sheet.append(["id_number", "name", "birth_date", "gender"])
    sheet.append([person(1), "钱七", dt.datetime.strptime(person(1)[6:14], "%Y%m%d"), "男"])
    sheet.append([person(2), "孙八", "not a date", "女"])
    buffer = io.BytesIO()
    book.save(buffer)
    # when
    result = ingest(county, buffer.getvalue(), name="rk.xlsx")
    # then
    assert (result.dataset.rows_loaded, result.dataset.rows_rejected, result.dataset.file_format) == (1, 1, "xlsx")
    assert result.report["errors"][0] == {"row": 3, "field": "birth_date", "label": "出生日期", "reason": "date",
                                          "message": "日期无效（应为 YYYY-MM-DD）"}


def test_json_arrays_and_json_lines_are_read(county):
    rows = [{"id_number": person(i), "name": f"居民{i}", "birth_date": f"{person(i)[6:10]}-{person(i)[10:12]}-{person(i)[12:14]}"}
            for i in range(3)]
    as_array = ingest(county, json.dumps(rows + [42], ensure_ascii=False).encode(), name="rk.json")
    as_lines = ingest(county, "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode(), name="rk.jsonl")
    assert (as_array.dataset.rows_loaded, as_array.dataset.rows_rejected) == (3, 1)
    assert as_lines.dataset.rows_loaded == 3


def test_an_unsupported_format_is_refused(county):
    with pytest.raises(DomainError) as caught:
        ingest(county, b"\xd0\xcf\x11\xe0", name="rk.xls")
    assert caught.value.code == "unsupported_format"


def test_only_the_providers_steward_may_push(county):
    with pytest.raises(DomainError) as caught:
        services.ingest_dataset(actor=county.scjg_steward, resource=county.people, stream=io.BytesIO(people_csv()),
                                file_name="rk.csv")
    assert (caught.value.status, caught.value.code) == (403, "not_steward")


def test_personal_values_are_stored_encrypted_and_keys_blind_indexed(county):
    row = DataRow.objects.filter(resource=county.people, version=1).first()
    assert zhang() not in json.dumps(row.values) and zhang() not in row.sealed and "张三" not in row.sealed
    assert row.sealed.startswith("sm4g1.") and len(row.key_index) == 64
    assert "gender" not in row.values or row.values["gender"] in ("男", "女")


def test_a_name_differing_from_the_authoritative_source_is_reported_as_a_conflict(county):
    # given: 婚姻登记 names 人口基础信息.name as the source of its name field
    marriages = services.publish_resource(
        actor=None, code="HY", name="婚姻登记信息", provider=county.mz, key_kind=KeyKind.CITIZEN_ID, key_field="id_number",
        fields=[{"name": "id_number", "label": "公民身份号码", "standard": FieldStandard.CITIZEN_ID, "required": True},
                {"name": "name", "label": "姓名", "source": "RK.name"},
                {"name": "marital_status", "label": "婚姻状况", "field_type": FieldType.ENUM, "allowed_values": ["已婚", "未婚"]}])
    grant_source_in_clear(county)  # the policy lets 民政 read RK.name in clear
    data = f"id_number,name,marital_status\n{zhang()},张三,已婚\n{factories.citizen_id('11010119851120432')},李思,已婚\n"
    # when
    result = services.ingest_dataset(actor=None, resource=DataResource.objects.get(pk=marriages.pk),
                                     stream=io.BytesIO(data.encode()), file_name="hy.csv")
    # then: both rows load (the conflict is reported, not rejected)
    assert (result.dataset.rows_loaded, result.dataset.conflicts) == (2, 1)
    sample = result.report["conflict_samples"][0]
    assert (sample["row"], sample["field"], sample["source"]) == (3, "name", "RK.name")
    assert "李" not in sample["message"]


def test_the_batch_key_indexer_agrees_with_crypto_blind_index(county):
    from yiwang.exchange.rows import key_index, key_indexer

    for kind, value in [("citizen_id", zhang()), ("uscc", "91330999MA0000007Q"), ("other", "沪A-12345")]:
        assert key_indexer(kind)(value) == key_index(kind, value)


def test_seen_keys_finds_every_duplicate_across_growth():
    from yiwang.exchange.ingest_check import SeenKeys

    seen = SeenKeys(capacity=4)
    assert all(seen.add(k * 7919, row) is None for row, k in enumerate(range(1, 5000), start=2))
    assert seen.add(1 * 7919, 9999) == 2 and seen.add(4999 * 7919, 10000) == 5000 and seen.add(0, 3) is None


def test_rows_are_resealed_under_the_newest_key_after_a_rotation(county, settings, now):
    # given: the ring gets a new first key
    settings.YIWANG_SM4_KEYS = "ex3:ffeeddccbbaa99887766554433221100, " + settings.YIWANG_SM4_KEYS
    # when
    changed = services.reseal_rows(actor=county.ga_steward, resource=county.people)
    # then
    assert changed == 3
    assert all(t.startswith("sm4g1.ex3.") for t in DataRow.objects.filter(resource=county.people).values_list("sealed", flat=True))
    assert services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"], now=now).data == {"name": "张*"}
    assert services.reseal_rows(actor=None, resource=county.people) == 0


def _marriages(county):
    return services.publish_resource(
        actor=None, code="HY", name="婚姻登记信息", provider=county.mz, key_kind=KeyKind.CITIZEN_ID, key_field="id_number",
        fields=[{"name": "id_number", "label": "公民身份号码", "standard": FieldStandard.CITIZEN_ID, "required": True},
                {"name": "name", "label": "姓名", "source": "RK.name"}])


def _probe(county, name: str) -> dict:
    data = f"id_number,name\n{zhang()},{name}\n".encode()
    return services.ingest_dataset(actor=None, resource=DataResource.objects.get(code="HY"), stream=io.BytesIO(data),
                                   file_name="probe.csv").report


def test_a_one_row_push_no_longer_tells_whether_a_name_matches_an_id_in_a_negative_listed_resource(county):
    # given: 民政 pushes names whose source is 公安's RK.name, all of RK negative-listed, and even a
    # subscription to RK.name in clear
    _marriages(county)
    sub = services.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people, fields=["name"],
                                        clear_fields=["name"], purpose="一数一源核对", legal_basis="文件")
    services.approve_subscription(actor=county.ga_steward, subscription=sub, expires_at=None, clear_fields=["name"])
    services.add_negative_entry(actor=county.ga_steward, resource=county.people, field_name=None, reason="整体不共享")
    # when one-row files probe the right name and a wrong one
    right, wrong = _probe(county, "张三"), _probe(county, "李四")
    # then both reports are the same: nothing was compared, and the report says why
    assert right["conflicts"] == wrong["conflicts"] == 0
    assert right["conflict_samples"] == wrong["conflict_samples"] == []
    assert [s["code"] for s in right["conflict_checks_skipped"]] == ["field_negative_listed"]
    assert not AccessLog.objects.filter(channel="ingest").exists()


def test_without_a_clear_subscription_the_source_is_not_read_and_with_one_every_read_reaches_the_citizen(county):
    from yiwang.exchange.selectors import subject_usage

    _marriages(county)
    # no subscription: not compared
    assert [s["code"] for s in _probe(county, "李四")["conflict_checks_skipped"]] == ["no_subscription"]
    # a masked grant is not enough: a match would confirm the hidden name
    sub = services.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people, fields=["name"],
                                        purpose="一数一源核对", legal_basis="文件")
    services.approve_subscription(actor=county.ga_steward, subscription=sub, expires_at=None)
    assert [s["code"] for s in _probe(county, "李四")["conflict_checks_skipped"]] == ["field_masked"]
    assert not AccessLog.objects.filter(channel="ingest").exists()
    # granted in clear: compared, and the read is in the citizen's own 数据使用记录
    sub = services.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people, fields=["name"],
                                        clear_fields=["name"], purpose="一数一源核对（原值）", legal_basis="文件")
    services.approve_subscription(actor=county.ga_steward, subscription=sub, expires_at=None, clear_fields=["name"])
    report = _probe(county, "李四")
    assert report["conflicts"] == 1 and report["source_reads"] == {"RK": 1}
    applicant = Applicant(kind=ApplicantKind.PERSON, id_number=zhang(), name="张三")
    logs = [a for a in subject_usage(applicant) if a.channel == "ingest"]
    assert len(logs) == 1 and logs[0].consumer_id == county.mz.pk and logs[0].resource_id == county.people.pk
    assert logs[0].fields_requested == ["name"] and logs[0].fields_returned == []
