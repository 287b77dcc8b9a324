"""Attaching a material queues its OCR pre-review, with the submission's transaction (the task
exists if and only if the submission committed); the clerk sees the findings before deciding."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from yiwang.cases.models import Case, CaseMaterial, FindingKind, MaterialFinding
from yiwang.cases.services import intake
from yiwang.cases.services.intake import submit_application
from yiwang.core.errors import InvalidInput
from yiwang.testing import case_factories

pytestmark = pytest.mark.django_db


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # production's (settings.TASKS)


def _queued_prereviews() -> list[int]:
    from django_tasks_db.models import DBTaskResult

    from yiwang.cases.prereview import prereview_material_task

    rows = DBTaskResult.objects.filter(task_path=prereview_material_task.module_path)
    return sorted(row.args_kwargs["args"][0] for row in rows)


def _attached(case) -> list[int]:
    return sorted(CaseMaterial.objects.filter(case=case).values_list("pk", flat=True))


def test_the_submissions_own_transaction_queues_a_prereview_of_each_file(world, settings,
                                                                         django_capture_on_commit_callbacks):
    """With the database queue, each file's task row is written by the submission's transaction:
    there before anything runs after its commit (one commit for both, and no moment at which the
    case is committed and its pre-review not yet queued)."""
    settings.YIWANG_PREREVIEW_ON_UPLOAD = True
    settings.TASKS = DATABASE_QUEUE
    with django_capture_on_commit_callbacks(execute=False):
        case = case_factories.apply_online(world.citizen, world.applicant, world.item)
        assert _queued_prereviews() == _attached(case) != []


def test_a_submission_that_rolls_back_leaves_no_prereview_task(world, settings, monkeypatch):
    settings.YIWANG_PREREVIEW_ON_UPLOAD = True
    settings.TASKS = DATABASE_QUEUE
    refs = case_factories.required_material_refs(world.citizen, world.item)

    def refused(**kwargs):  # a refusal after the files were attached (and their tasks queued)
        raise InvalidInput("test_refusal", "refused after attaching")

    monkeypatch.setattr(intake, "_obtain_by_sharing", refused)
    with pytest.raises(InvalidInput):
        submit_application(actor=world.citizen, item=world.item, applicant=world.applicant,
                           form_data={"shop_name": "青禾小馆"}, materials=refs)
    assert _queued_prereviews() == []
    assert not Case.objects.exists()
    assert not CaseMaterial.objects.filter(pk__in=[r.upload_id for r in refs], case__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_prereviews_a_committed_submission_queued(world, settings, monkeypatch):
    settings.YIWANG_PREREVIEW_ON_UPLOAD = True
    settings.TASKS = DATABASE_QUEUE
    from django_tasks_db.models import DBTaskResult

    from yiwang.cases import prereview

    reviewed = []
    monkeypatch.setattr(prereview, "prereview_material", lambda *, material_id: reviewed.append(material_id))
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", "--interval", "0")
    assert sorted(reviewed) == _attached(case) != []
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_without_a_database_queue_the_prereview_is_queued_after_the_commit(world, settings,
                                                                          django_capture_on_commit_callbacks,
                                                                          monkeypatch):
    """Another backend (here the immediate one, which runs the task when queued) is told after the
    commit, never inside the submission's transaction."""
    settings.YIWANG_PREREVIEW_ON_UPLOAD = True
    from yiwang.cases import prereview

    reviewed = []
    monkeypatch.setattr(prereview, "prereview_material", lambda *, material_id: reviewed.append(material_id))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    assert reviewed == []
    for callback in callbacks:
        callback()
    assert sorted(reviewed) == _attached(case) != []


@pytest.mark.parametrize("queue", ["database", "immediate"])
def test_a_queue_failure_never_fails_the_submission(world, settings, django_capture_on_commit_callbacks, monkeypatch,
                                                    queue):
    settings.YIWANG_PREREVIEW_ON_UPLOAD = True
    if queue == "database":
        settings.TASKS = DATABASE_QUEUE
    from django_tasks.exceptions import InvalidTaskError

    from yiwang.cases.prereview import prereview_material_task

    backend = type(prereview_material_task.get_backend())

    def refused(self, task):
        raise InvalidTaskError("queue refuses")

    monkeypatch.setattr(backend, "validate_task", refused)
    with django_capture_on_commit_callbacks(execute=True):
        case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    assert case.pk and case.number and _attached(case)
    assert _queued_prereviews() == []


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
