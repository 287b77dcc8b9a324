"""The disk holding uploads is full: a clear 507, nothing saved, nothing half-written.

ENOSPC is made at the storage layer: the file system storage's ``os`` is replaced by one whose
files accept a few bytes and then raise "No space left on device", as a full disk does."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from yiwang.cases.integrity import check_all
from yiwang.cases.models import Case, CaseEngineState, CaseMaterial, CaseStatus, CaseStep
from yiwang.core.models import AuditEvent
from yiwang.core.storage import GuardedFileSystemStorage
from yiwang.testing import case_factories
from yiwang.testing.factories import PDF_BYTES
from yiwang.testing.http import assert_error, bearer, post_json

pytestmark = pytest.mark.django_db


class _FullFile:
    def __init__(self, real, error: int) -> None:
        self.real, self.error = real, error

    def write(self, data: bytes) -> int:
        self.real.write(data[:3])  # a little gets written before the disk refuses
        raise OSError(self.error, os.strerror(self.error))

    def close(self) -> None:
        self.real.close()


class _FullDiskOs:
    def __init__(self, error: int) -> None:
        self.error = error

    def __getattr__(self, name: str):
        return getattr(os, name)

    def fdopen(self, fd: int, mode: str = "r", *args, **kwargs):
        return _FullFile(os.fdopen(fd, mode, *args, **kwargs), self.error)


@pytest.fixture
def disk_full(monkeypatch):
    monkeypatch.setattr("django.core.files.storage.filesystem.os", _FullDiskOs(errno.ENOSPC))


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client: Client, auth: dict, name: str = "scan.pdf", content: bytes = PDF_BYTES):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/api/v1/uploads", {"file": SimpleUploadedFile(name, content, "application/pdf")}, **auth)


def test_an_upload_to_a_full_disk_is_refused_with_507_and_leaves_nothing(world, settings, disk_full):
    client = Client()
    auth = bearer(client, "citizen")
    body = assert_error(upload(client, auth), 507, "storage_full")
    assert "存储空间已满" in body["message"] and "没有保存" in body["message"]
    assert not CaseMaterial.objects.exists()
    assert media_files(settings) == []  # the partial file is gone too


def test_the_refusal_is_in_english_for_an_english_client(world, disk_full):
    client = Client()
    auth = bearer(client, "citizen")
    response = client.post("/api/v1/uploads", {"file": _pdf()}, HTTP_ACCEPT_LANGUAGE="en", **auth)
    body = assert_error(response, 507, "storage_full")
    assert "storage is full" in body["message"]


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("scan.pdf", PDF_BYTES, "application/pdf")


def test_an_acceptance_whose_receipt_cannot_be_written_changes_nothing(world, settings, monkeypatch):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item, key="k-1")
    client = Client()
    auth = bearer(client, "clerk")
    before = set(media_files(settings))
    monkeypatch.setattr("django.core.files.storage.filesystem.os", _FullDiskOs(errno.ENOSPC))

    assert_error(post_json(client, f"/api/v1/cases/{case.number}/accept", {}, auth), 507, "storage_full")

    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.accepted_at is None
    assert not CaseEngineState.objects.filter(case=case).exists() and not CaseStep.objects.filter(case=case).exists()
    assert not AuditEvent.objects.filter(event_type="case_accepted").exists()
    assert set(media_files(settings)) == before  # no receipt, not even a partial one
    assert check_all([{"key": "k-1", "case_number": case.number, "status": 201}])["ok"]

    # when space is back, the same acceptance goes through
    monkeypatch.undo()
    assert post_json(client, f"/api/v1/cases/{case.number}/accept", {}, auth).status_code == 200


def test_a_submission_retried_after_the_disk_filled_up_is_one_case(world, monkeypatch):
    """The drill's sequence: uploads refused 507 while the disk is full, the client retries the same
    Idempotency-Key once space is back: one case, its files present."""
    client = Client()
    auth = bearer(client, "citizen")
    monkeypatch.setattr("django.core.files.storage.filesystem.os", _FullDiskOs(errno.ENOSPC))
    assert upload(client, auth).status_code == 507
    monkeypatch.undo()
    refs = [{"material_id": m.pk, "upload_id": upload(client, auth).json()["id"]}
            for m in world.item.materials.filter(required=True)]
    payload = {"item_code": world.item.code, "form": {"shop_name": "青禾小馆"}, "materials": refs}
    first = post_json(client, "/api/v1/applications", payload, auth, HTTP_IDEMPOTENCY_KEY="disk-1")
    again = post_json(client, "/api/v1/applications", payload, auth, HTTP_IDEMPOTENCY_KEY="disk-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert Case.objects.count() == 1
    assert check_all([{"key": "disk-1", "case_number": first.json()["number"], "status": 201}])["ok"]


def test_other_write_errors_are_not_disguised_as_a_full_disk(tmp_path, monkeypatch):
    storage = GuardedFileSystemStorage(location=tmp_path)
    monkeypatch.setattr("django.core.files.storage.filesystem.os", _FullDiskOs(errno.EIO))
    with pytest.raises(OSError) as raised:
        storage.save("x.pdf", ContentFile(PDF_BYTES))
    assert raised.value.errno == errno.EIO


def test_a_quota_exceeded_is_a_full_disk_too(tmp_path, monkeypatch):
    from yiwang.core.storage import StorageFull

    storage = GuardedFileSystemStorage(location=tmp_path)
    monkeypatch.setattr("django.core.files.storage.filesystem.os", _FullDiskOs(errno.EDQUOT))
    with pytest.raises(StorageFull):
        storage.save("x.pdf", ContentFile(PDF_BYTES))
    assert list(tmp_path.iterdir()) == []
    assert default_storage.__class__ is GuardedFileSystemStorage  # what the settings give every app
