"""电子监察 actions: a supervisor urges (督办) the department that answers for a case, and exports
the red list (overdue cases) as an Excel workbook; both through the services, the API and the
board's pages."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from yiwang.cases import selectors, services
from yiwang.cases.models import CaseStep, StepStatus
from yiwang.core.errors import DomainError
from yiwang.core.models import AuditEvent, Department, Notification
from yiwang.testing import case_factories, factories
from yiwang.testing.calendar import local
from yiwang.testing.http import assert_error, bearer, post_json

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 16, 10)


def submit(world, item, at):
    return case_factories.apply_online(world.citizen, world.applicant, item, now=at)


def in_review(world, at):
    case = submit(world, world.item, at)
    services.accept_application(actor=world.clerk, case_id=case.pk, now=at)
    return case


def test_urging_a_case_in_review_tells_the_approving_departments_heads_and_is_on_the_timeline(world):
    # given a second SCJG head and an overdue case in review at SCJG
    second_head = factories.user("scjg_head_2", SCJG="head")
    case = in_review(world, local(2026, 3, 2, 9))
    # when the supervisor urges it
    result = services.urge_case(actor=world.supervisor, case_id=case.pk, note="请于今日办结", now=NOW)
    # then both SCJG heads are told, with the note and a link to the case
    assert result["department"].code == "SCJG" and result["heads_notified"] == 2
    notes = Notification.objects.filter(kind="case_urged").order_by("recipient_id")
    assert [n.recipient_id for n in notes] == sorted([world.head.pk, second_head.pk])
    assert all(case.number in n.message and "请于今日办结" in n.message for n in notes)
    assert {n.link for n in notes} == {f"/work/cases/{case.number}/"}
    # and the urge is audited, by the supervisor of the service centre, and shows on the timeline
    urged = AuditEvent.objects.get(event_type="case_urged")
    assert urged.actor == world.supervisor and urged.actor_department.code == "ZWFW"
    assert urged.details["note"] == "请于今日办结" and urged.details["responsible_code"] == "SCJG"
    entry = [e for e in selectors.case_timeline(case) if e.event_type == "case_urged"][0]
    assert entry.label == "电子监察督办" and entry.details["note"] == "请于今日办结"
    assert entry.details["responsible"] == "SCJG局"


def test_urging_a_case_at_the_window_tells_the_service_centres_head(world):
    centre_head = factories.user("zwfw_head", ZWFW="head")
    case = submit(world, world.item, local(2026, 3, 2, 9))  # never accepted
    result = services.urge_case(actor=world.supervisor, case_id=case.pk, note="尽快受理", now=NOW)
    assert result["department"].code == "ZWFW"
    assert list(Notification.objects.filter(kind="case_urged").values_list("recipient_id", flat=True)) == [centre_head.pk]
    assert not Notification.objects.filter(kind="case_urged", recipient=world.head).exists()


def test_urging_one_step_tells_the_department_holding_that_step(world):
    # given a countersign case whose GA step is open beside SCJG's
    ga_head = factories.user("ga_head", GA="head")
    case = submit(world, world.countersign_item, local(2026, 3, 2, 9))
    services.accept_application(actor=world.clerk, case_id=case.pk, now=local(2026, 3, 2, 9))
    review = CaseStep.objects.get(case=case, status=StepStatus.OPEN)
    services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=review.pk, decision="approve",
                           now=local(2026, 3, 3, 9))
    ga_step = CaseStep.objects.get(case=case, status=StepStatus.OPEN, department__code="GA")
    # when the supervisor urges GA's step
    services.urge_case(actor=world.supervisor, case_id=case.pk, step_id=ga_step.pk, note="公安会签已超期", now=NOW)
    # then GA's head is told, not SCJG's
    assert list(Notification.objects.filter(kind="case_urged").values_list("recipient_id", flat=True)) == [ga_head.pk]
    assert AuditEvent.objects.get(event_type="case_urged").details["step"] == "公安会签"


@pytest.mark.parametrize("note", ["", "   ", "长" * 501])
def test_an_urge_needs_a_note_of_reasonable_length(world, note):
    case = in_review(world, local(2026, 3, 2, 9))
    with pytest.raises(DomainError) as exc:
        services.urge_case(actor=world.supervisor, case_id=case.pk, note=note, now=NOW)
    assert exc.value.status == 422 and exc.value.code in ("note_required", "text_too_long")
    assert not AuditEvent.objects.filter(event_type="case_urged").exists()
    assert not Notification.objects.filter(kind="case_urged").exists()


def test_only_supervisors_urge_and_only_open_cases_or_steps(world):
    case = in_review(world, local(2026, 3, 2, 9))
    for actor in (world.clerk, world.head, world.reviewer, world.citizen):
        with pytest.raises(DomainError) as exc:
            services.urge_case(actor=actor, case_id=case.pk, note="督办", now=NOW)
        assert exc.value.status == 403
    other = in_review(world, local(2026, 3, 2, 9))
    other_step = CaseStep.objects.get(case=other, status=StepStatus.OPEN)
    with pytest.raises(DomainError) as exc:  # a step of another case
        services.urge_case(actor=world.supervisor, case_id=case.pk, step_id=other_step.pk, note="督办", now=NOW)
    assert exc.value.code == "step_not_found"
    services.withdraw_application(actor=world.citizen, case_id=case.pk, reason="不办了")
    with pytest.raises(DomainError) as exc:
        services.urge_case(actor=world.supervisor, case_id=case.pk, note="督办", now=NOW)
    assert exc.value.status == 409
    assert not AuditEvent.objects.filter(event_type="case_urged").exists()


def test_urge_through_the_api(world):
    client = Client()
    case = in_review(world, local(2026, 3, 2, 9))
    path = f"/api/v1/cases/{case.number}/urge"
    ok = post_json(client, path, {"note": "请加快办理"}, bearer(client, "supervisor"))
    assert ok.status_code == 200, ok.content
    assert ok.json() == {"number": case.number, "department": "SCJG局", "heads_notified": 1}
    assert_error(post_json(client, path, {"note": " "}, bearer(client, "supervisor")), 422, "note_required")
    assert_error(post_json(client, path, {"note": "x"}, bearer(client, "scjg_head")), 403, "permission_denied")
    assert_error(post_json(client, path, {"note": "x", "step_id": 99999999999999999999}, bearer(client, "supervisor")),
                 422, "validation_failed")
    assert_error(post_json(client, "/api/v1/cases/NOPE/urge", {"note": "x"}, bearer(client, "supervisor")),
                 404, "case_not_found")
    assert AuditEvent.objects.filter(event_type="case_urged").count() == 1


def test_urge_page_for_the_supervisor(world):
    client = Client()
    client.force_login(world.supervisor)
    case = in_review(world, local(2026, 3, 2, 9))
    page = client.get(f"/work/board/urge/{case.number}/")
    assert page.status_code == 200 and "SCJG局" in page.content.decode()
    refused = client.post(f"/work/board/urge/{case.number}/", {"note": ""})
    assert refused.status_code == 200 and "督办必须写明督办意见" in refused.content.decode()
    done = client.post(f"/work/board/urge/{case.number}/", {"note": "请今日办结"}, follow=True)
    assert done.status_code == 200 and "请今日办结" in done.content.decode()
    assert Notification.objects.filter(kind="case_urged", recipient=world.head).count() == 1
    # others are turned away
    other = Client()
    other.force_login(world.head)
    assert other.get(f"/work/board/urge/{case.number}/").status_code == 403
    assert other.post(f"/work/board/urge/{case.number}/", {"note": "x"}).status_code == 403
    assert client.get("/work/board/urge/NOPE/").status_code == 404


def _sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_red_list_export_lists_overdue_cases_with_the_responsible_office(world):
    # given overdue cases in review at SCJG and waiting at the window, and one on time
    late = in_review(world, local(2026, 3, 2, 9))  # due at the end of 9 March
    at_window = submit(world, world.item, local(2026, 3, 3, 9))  # due at the end of 10 March
    on_time = in_review(world, local(2026, 3, 16, 9))
    # when the supervisor exports the red list
    rows = selectors.red_list(now=NOW)
    # then each overdue case, most overdue first, with who answers for it and working days late
    assert [(r.number, r.department, r.days_overdue) for r in rows] == [
        (late.number, "SCJG局", 5), (at_window.number, "政务服务管理局", 4)]
    assert rows[0].step == "审查" and rows[1].step == "窗口受理"
    assert rows[0].deadline.isoformat() == "2026-03-09"
    assert rows[0].applicant == "张*"  # the export leaves the system: the name is masked

    client = Client()
    client.force_login(world.supervisor)
    response = client.get("/work/board/red-list.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = _sheet(response.content)
    header = [c.value for c in sheet[1]]
    assert header == ["办件编号", "事项", "责任部门", "当前环节", "承诺办结时限", "超期（工作日）", "申请人"]
    numbers = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert set(numbers) == {late.number, at_window.number, on_time.number}  # by today, all three are late
    assert "张三" not in str(list(sheet.iter_rows(values_only=True)))

    api = client.get("/api/v1/supervision/red-list.xlsx", **bearer(client, "supervisor"))
    assert api.status_code == 200
    assert {r[0] for r in _sheet(api.content).iter_rows(min_row=2, values_only=True)} == set(numbers)


def test_red_list_export_is_for_supervisors_only(world):
    client = Client()
    assert_error(client.get("/api/v1/supervision/red-list.xlsx", **bearer(client, "scjg_head")), 403,
                 "permission_denied")
    assert_error(client.get("/api/v1/supervision/red-list.xlsx"), 401, "not_authenticated")
    client.force_login(world.head)
    assert client.get("/work/board/red-list.xlsx").status_code == 403


def test_red_list_in_english_has_english_headers(world):
    in_review(world, local(2026, 3, 2, 9))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/api/v1/supervision/red-list.xlsx", **bearer(client, "supervisor"))
    assert [c.value for c in _sheet(response.content)[1]][0] == "Case number"


@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "0", "١٢", "abc"])
def test_html_board_with_an_out_of_range_id_is_not_a_server_error(world, value):
    # the API board had this guard; the HTML board took any string of digits to the database
    client = Client()
    client.force_login(world.supervisor)
    for path in (f"/work/board/?department={value}", f"/work/board/cases/?department={value}&item={value}"):
        assert client.get(path).status_code == 200, path


def test_board_page_shows_the_service_centre_and_the_export(world):
    submit(world, world.item, local(2026, 3, 2, 9))
    client = Client()
    client.force_login(world.supervisor)
    html = client.get("/work/board/").content.decode()
    assert "政务服务管理局" in html and "service-centre" in html and "/work/board/red-list.xlsx" in html
    centre = Department.objects.get(code="ZWFW")
    cases = client.get(f"/work/board/cases/?department={centre.pk}&light=red").content.decode()
    assert "/work/board/urge/" in cases


def test_the_applicant_sees_that_the_case_was_urged_but_not_the_supervisors_note(world):
    case = in_review(world, local(2026, 3, 2, 9))
    services.urge_case(actor=world.supervisor, case_id=case.pk, note="审查科拖延，今日必须办结", now=NOW)
    client = Client()
    own = client.get(f"/api/v1/cases/{case.number}", **bearer(client, "citizen")).json()
    urged = [t for t in own["timeline"] if t["event"] == "case_urged"]
    assert len(urged) == 1 and "note" not in urged[0]["details"]
    assert "今日必须办结" not in str(own)
    staff = client.get(f"/api/v1/cases/{case.number}", **bearer(client, "supervisor")).json()
    assert [t for t in staff["timeline"] if t["event"] == "case_urged"][0]["details"]["note"] == "审查科拖延，今日必须办结"
    client.force_login(world.citizen)
    page = client.get(f"/me/cases/{case.number}/").content.decode()
    assert "电子监察督办" in page and "今日必须办结" not in page


def test_red_list_past_the_calendar_says_so_instead_of_failing(world):
    from yiwang.core import calendar
    from yiwang.core.models import CalendarYear

    in_review(world, local(2026, 3, 2, 9))
    CalendarYear.objects.all().delete()
    calendar.invalidate_calendar_cache()
    client = Client()
    assert_error(client.get("/api/v1/supervision/red-list.xlsx", **bearer(client, "supervisor")), 409,
                 "calendar_year_unknown")
    client.force_login(world.supervisor)
    page = client.get("/work/board/red-list.xlsx", follow=True)
    assert page.status_code == 200 and "工作日历" in page.content.decode()
