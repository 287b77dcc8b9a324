"""The portal and the workbench as people click through them (Django test client)."""

from __future__ import annotations

import re

import pytest
from django.http import HttpRequest
from django.test import Client

from yiwang.cases import services
from yiwang.cases.models import Case, CaseStatus, CaseStep
from yiwang.testing import case_factories, factories

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(request=HttpRequest(), username=username, password=f"pw-{username}")
    return client


def test_public_pages_render(world):
    client = Client()
    assert client.get("/").status_code == 200
    page = client.get("/items/", {"q": "测试事项"})
    assert page.status_code == 200 and "共找到 2 个事项" in page.content.decode()
    guide = client.get(f"/items/{world.item.code}/")
    assert guide.status_code == 200 and "身份证明" in guide.content.decode()
    assert client.get(f"/items/{world.item.code}/process.bpmn").status_code == 200
    assert client.get("/items/NOPE/").status_code == 404


def test_citizen_applies_online_and_a_double_submit_makes_one_case(world):
    client = signed_in("citizen")
    form = client.get(f"/items/{world.item.code}/apply/").content.decode()
    token = re.search(r'name="submission_token" value="([0-9a-f]+)"', form).group(1)
    materials = {f"material_{m.pk}": factories.upload_file() for m in world.item.materials.filter(required=True)}

    response = client.post(f"/items/{world.item.code}/apply/",
                           {"submission_token": token, "shop_name": "青禾小馆", **materials})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/me/cases/{case.number}/?receipt=1")
    again = client.post(f"/items/{world.item.code}/apply/", {"submission_token": token, "shop_name": "青禾小馆",
                        **{k: factories.upload_file() for k in materials}})
    assert again.status_code == 302 and Case.objects.count() == 1

    receipt = client.get(response["Location"]).content.decode()
    assert case.number in receipt and "受理回执" in receipt


def test_missing_material_keeps_what_was_uploaded(world):
    client = signed_in("citizen")
    first = world.item.materials.filter(required=True).first()
    response = client.post(f"/items/{world.item.code}/apply/",
                           {"submission_token": "t1", "shop_name": "青禾小馆", f"material_{first.pk}": factories.upload_file()})
    page = response.content.decode()
    assert response.status_code == 200 and "缺少必要材料" in page
    assert f'name="upload_{first.pk}"' in page  # the uploaded file is kept for the next attempt
    assert Case.objects.count() == 0


def test_window_and_departments_work_the_case_in_the_workbench(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    clerk = signed_in("clerk")
    assert case.number in clerk.get("/work/window/").content.decode()
    clerk.post(f"/work/cases/{case.number}/accept/", {"note": ""})
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW

    reviewer = signed_in("scjg_reviewer")
    assert case.number in reviewer.get("/work/tasks/").content.decode()
    step = CaseStep.objects.get(case=case, status="open")
    page = reviewer.get(f"/work/cases/{case.number}/").content.decode()
    assert f'id="step-{step.pk}"' in page
    reviewer.post(f"/work/cases/{case.number}/complete/", {"step_id": step.pk, "decision": "approve"})
    decider = signed_in("scjg_decider")
    step = CaseStep.objects.get(case=case, status="open")
    decider.post(f"/work/cases/{case.number}/complete/", {"step_id": step.pk, "decision": "approve"})
    clerk.post(f"/work/cases/{case.number}/deliver/", {"method": "window", "detail": "本人领取"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_illegal_action_from_the_page_shows_a_message_not_an_error(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    clerk = signed_in("clerk")
    response = clerk.post(f"/work/cases/{case.number}/deliver/", {"method": "window"}, follow=True)
    assert response.status_code == 200 and "不能出件" in response.content.decode()


def test_citizens_cannot_open_the_workbench_or_others_cases(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    other, _applicant = factories.citizen("other", first17="11010119851201123", name="李四")
    client = signed_in("other")
    assert client.get("/work/").status_code == 403
    assert client.get(f"/me/cases/{case.number}/").status_code == 403
    assert client.get("/work/board/").status_code == 403


def test_supervisor_board_and_drill_down(world):
    # one case at the window (counts against the service centre) and one in review at SCJG
    case_factories.apply_online(world.citizen, world.applicant, world.item)
    accepted = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=accepted.pk)
    client = signed_in("supervisor")
    board = client.get("/work/board/")
    assert board.status_code == 200 and "SCJG局" in board.content.decode() and "政务服务管理局" in board.content.decode()
    assert client.get("/work/board/cases/", {"light": "green"}).status_code == 200


def test_clerk_enters_a_walk_in_application(world):
    clerk = signed_in("clerk")
    materials = {f"material_{m.pk}": factories.upload_file() for m in world.item.materials.filter(required=True)}
    response = clerk.post(f"/work/window/new/?item={world.item.code}", {
        "item": world.item.code, "submission_token": "w1", "applicant_kind": "person", "applicant_name": "王五",
        "applicant_id_number": factories.citizen_id("11010119700101002"), "shop_name": "王记面馆", **materials})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == "window" and case.applicant.name == "王五"


def test_walk_in_with_a_wrong_check_digit_is_refused_clearly(world):
    clerk = signed_in("clerk")
    bad = factories.citizen_id("11010119700101002")[:-1] + ("0" if factories.citizen_id("11010119700101002")[-1] != "0" else "1")
    response = clerk.post(f"/work/window/new/?item={world.item.code}", {
        "item": world.item.code, "submission_token": "w2", "applicant_kind": "person", "applicant_name": "王五",
        "applicant_id_number": bad, "shop_name": "王记面馆"})
    assert response.status_code == 200 and "校验位" in response.content.decode()
    assert Case.objects.count() == 0
