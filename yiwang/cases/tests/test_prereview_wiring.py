"""Attaching a material queues its OCR pre-review; the clerk sees the findings before deciding."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from yiwang.cases.models import CaseMaterial, FindingKind, MaterialFinding
from yiwang.testing import case_factories

pytestmark = pytest.mark.django_db


def test_submitting_queues_a_prereview_of_each_file_after_commit(world, settings, django_capture_on_commit_callbacks,
                                                                monkeypatch):
    settings.YIWANG_PREREVIEW_ON_UPLOAD = True
    queued = []
    from yiwang.cases import prereview

    monkeypatch.setattr(prereview, "prereview_material_task", SimpleNamespace(enqueue=queued.append))
    with django_capture_on_commit_callbacks(execute=True):
        case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    assert sorted(queued) == sorted(CaseMaterial.objects.filter(case=case).values_list("pk", flat=True))


def test_a_queue_failure_never_fails_the_submission(world, settings, django_capture_on_commit_callbacks, monkeypatch):
    settings.YIWANG_PREREVIEW_ON_UPLOAD = True
    from yiwang.cases import prereview

    def broken(material_id):
        raise RuntimeError("queue down")

    monkeypatch.setattr(prereview, "prereview_material_task", SimpleNamespace(enqueue=broken))
    with django_capture_on_commit_callbacks(execute=True):
        case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    assert case.pk and case.number


def test_the_clerk_sees_findings_with_their_confidence(world, client):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    material = CaseMaterial.objects.filter(case=case).first()
    MaterialFinding.objects.create(material=material, kind=FindingKind.FIELD_MISMATCH, field="name", expected="张三",
                                   found="张三丰", confidence=0.91, message="证件姓名与申请人不一致", created_at=case.submitted_at)
    client.force_login(world.clerk)
    page = client.get(f"/work/cases/{case.number}/").content.decode()
    assert "证件姓名与申请人不一致" in page and "0.91" in page
    client.force_login(world.citizen)
    assert "证件姓名与申请人不一致" not in client.get(f"/me/cases/{case.number}/").content.decode()
