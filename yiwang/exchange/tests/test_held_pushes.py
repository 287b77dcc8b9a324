"""A bad push never replaces good data by itself: held for the steward (issue 9 item 8)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from yiwang.core.errors import DomainError
from yiwang.exchange import services
from yiwang.exchange.models import DataResource, DataRow, DatasetStatus
from yiwang.exchange.tests.conftest import PEOPLE, people_csv, zhang
from yiwang.testing import factories
from yiwang.testing.http import bearer

pytestmark = pytest.mark.django_db

# eighteen residents, as the spreadsheet had
RESIDENTS = [(f"330999{1950 + i:04d}0101{i:03d}", f"居民{i}") for i in range(18)]


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["id_number", "name", "birth_date"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _ids() -> list[str]:
    return [factories.citizen_id(first17) for first17, _n in RESIDENTS]


def _load_good(county):
    rows = [[number, name, f"{number[6:10]}-{number[10:12]}-{number[12:14]}"] for number, (_f, name) in zip(_ids(), RESIDENTS, strict=True)]
    result = services.ingest_dataset(actor=county.ga_steward, resource=county.people, stream=io.BytesIO(_xlsx(rows)),
                                     file_name="rk.xlsx")
    assert result.dataset.status == DatasetStatus.LOADED and result.dataset.rows_loaded == 18
    return DataResource.objects.get(pk=county.people.pk)


def _mangled(county) -> bytes:
    """What a spreadsheet program does to an ID column not formatted as text: 15 significant digits
    as a number (openpyxl writes a numeric cell), and one row kept as text."""
    ids = _ids()
    rows = [[float(number[:17] + ("0" if number.endswith("X") else number[17])), name, "1990-01-01"]
            for number, (_f, name) in zip(ids, RESIDENTS, strict=True)]
    rows[0] = [ids[0], RESIDENTS[0][1], f"{ids[0][6:10]}-{ids[0][10:12]}-{ids[0][12:14]}"]
    return _xlsx(rows)


def test_a_spreadsheet_with_numeric_ids_is_held_and_the_current_version_stays(county):
    good = _load_good(county)
    # when the same file comes back with its ID column turned into numbers
    result = services.ingest_dataset(actor=county.ga_steward, resource=good, stream=io.BytesIO(_mangled(county)),
                                     file_name="rk.xlsx")
    # then 1 of 18 rows loads, the push is held, and lookups still read the good version
    ds = result.dataset
    assert (ds.rows_read, ds.rows_loaded, ds.status) == (18, 1, DatasetStatus.HELD)
    assert DataResource.objects.get(pk=good.pk).current_version == good.current_version
    assert [h["code"] for h in result.report["held"]] == ["rejected_share", "shrink"]
    # and each numeric ID is explained: format the column as text
    reasons = {e["reason"] for e in result.report["errors"]}
    assert reasons == {"citizen_id_number"}
    assert "文本" in result.report["errors"][0]["message"]
    found = services.lookup(consumer=county.consumer(), resource_code="RK", key=_ids()[5], fields=["gender"])
    assert found.found and found.version == good.current_version


def test_ids_in_scientific_notation_in_a_csv_get_the_format_as_text_message(county):
    rows = "id_number,name,birth_date\n" + "".join(f"{float(n[:17]):.5E},某,1990-01-01\n" for n in _ids()[:3])
    result = services.ingest_dataset(actor=county.ga_steward, resource=county.people, stream=io.BytesIO(rows.encode()),
                                     file_name="rk.csv")
    assert "3.30999E+16" in rows
    assert {e["reason"] for e in result.report["errors"]} == {"citizen_id_number"}
    assert result.dataset.status == DatasetStatus.REJECTED


def test_the_steward_confirms_or_discards_a_held_push(county):
    good = _load_good(county)
    held = services.ingest_dataset(actor=county.ga_steward, resource=good, stream=io.BytesIO(_mangled(county)),
                                   file_name="rk.xlsx").dataset
    # only the provider's steward decides
    with pytest.raises(DomainError) as caught:
        services.confirm_dataset(actor=county.scjg_steward, dataset=held)
    assert caught.value.code == "not_steward"
    confirmed = services.confirm_dataset(actor=county.ga_steward, dataset=held, reason="核对无误")
    assert confirmed.status == DatasetStatus.LOADED and confirmed.decided_by == county.ga_steward
    assert DataResource.objects.get(pk=good.pk).current_version == held.version
    with pytest.raises(DomainError) as caught:
        services.discard_dataset(actor=county.ga_steward, dataset=held)
    assert caught.value.status == 409
    # a second held push is discarded: its rows go, the current version stays
    again = services.ingest_dataset(actor=county.ga_steward, resource=DataResource.objects.get(pk=good.pk),
                                    stream=io.BytesIO(people_csv(PEOPLE[:1], extra="bad,row,,,,,,\n" * 3)),
                                    file_name="rk.csv").dataset
    assert again.status == DatasetStatus.HELD
    services.discard_dataset(actor=county.ga_steward, dataset=again, reason="文件有误")
    assert not DataRow.objects.filter(resource=good, version=again.version).exists()
    assert DataResource.objects.get(pk=good.pk).current_version == held.version


def test_a_one_row_probe_no_longer_replaces_the_current_version(county):
    before = DataResource.objects.get(pk=county.people.pk)
    probe = services.ingest_dataset(actor=county.ga_steward, resource=before, stream=io.BytesIO(people_csv(PEOPLE[:1])),
                                    file_name="probe.csv").dataset
    assert probe.status == DatasetStatus.HELD
    assert DataResource.objects.get(pk=before.pk).current_version == before.current_version


def test_the_threshold_is_a_setting(county, settings):
    settings.YIWANG_EXCHANGE_HOLD_REJECTED_SHARE = 0.5
    settings.YIWANG_EXCHANGE_HOLD_SHRINK = 0
    data = people_csv(extra="bad,row,,,,,,\n")  # 1 of 4 rejected: 25 %
    ds = services.ingest_dataset(actor=county.ga_steward, resource=county.people, stream=io.BytesIO(data),
                                 file_name="rk.csv").dataset
    assert ds.status == DatasetStatus.LOADED


def test_cp936_is_accepted_as_the_name_of_gbk(county):
    data = people_csv().decode().encode("gbk")
    ds = services.ingest_dataset(actor=county.ga_steward, resource=county.people, stream=io.BytesIO(data),
                                 file_name="rk.csv", encoding="cp936").dataset
    assert ds.status == DatasetStatus.LOADED and ds.rows_loaded == len(PEOPLE)
    found = services.lookup(consumer=county.consumer(), resource_code="RK", key=zhang(), fields=["name"])
    assert found.data["name"].startswith("张")


def test_held_pushes_through_the_api_and_the_steward_page(county, client):
    good = _load_good(county)
    token = bearer(client, "ga_steward")
    response = client.post("/api/v1/exchange/resources/RK/datasets", {"file": _file(_mangled(county))}, **token)
    assert response.status_code == 201 and response.json()["status"] == "held"
    dataset_id = response.json()["id"]
    # the steward's page shows the report and the choice
    client.force_login(county.ga_steward)
    page = client.get(f"/work/exchange/datasets/{dataset_id}/").content.decode()
    assert "待确认" in page and 'value="confirm"' in page and "文本" in page
    # another department's steward cannot decide
    other = client.post(f"/api/v1/exchange/datasets/{dataset_id}/confirm", {"reason": ""}, content_type="application/json",
                        **bearer(client, "scjg_steward"))
    assert other.status_code == 403
    # the page's confirm makes it current
    client.post(f"/work/exchange/datasets/{dataset_id}/", {"action": "confirm", "reason": "ok"})
    assert DataResource.objects.get(pk=good.pk).current_version == good.current_version + 1
    again = client.post(f"/api/v1/exchange/datasets/{dataset_id}/confirm", {"reason": ""}, content_type="application/json",
                        **token)
    assert again.status_code == 409


def _file(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("rk.xlsx", content, content_type="application/octet-stream")
