"""电子监察: the supervisor's board of green, yellow and red cases, the drill-down behind each
number, and overdue steps escalated to the department head, once each."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from yiwang.cases import selectors, services
from yiwang.cases.models import CaseStatus, CaseStep, StepStatus
from yiwang.core.models import AuditEvent, Department, Notification
from yiwang.testing import case_factories, factories, item_factories
from yiwang.testing.calendar import local
from yiwang.testing.http import assert_error, bearer

pytestmark = pytest.mark.django_db

# The board is read on Monday 16 March 2026, 10:00 (no holiday near: plain Monday to Friday weeks).
NOW = local(2026, 3, 16, 10)


def submit(world, item, at):
    return case_factories.apply_online(world.citizen, world.applicant, item, now=at)


def decide(world, case, now):
    """审查 then 决定, both approved: the case waits for delivery at the window."""
    for actor, name in ((world.reviewer, "审查"), (world.decider, "决定")):
        step = CaseStep.objects.get(case=case, status=StepStatus.OPEN, name=name)
        services.complete_step(actor=actor, case_id=case.pk, step_id=step.pk, decision="approve", now=now)


def light_of(case, now=NOW):
    return selectors.sla_light(status=case.status, due_at=case.due_at, warn_at=case.warn_at, now=now)


def board_by_label(rows):
    return {r.label: (r.green, r.yellow, r.red, r.paused, r.total) for r in rows}


@pytest.fixture
def county(world):
    """Cases of every colour for two SCJG items and one GA item, as they stand at NOW: those in
    review count against their department, those at the window (not yet accepted, or waiting for
    the applicant's correction) against the service centre (政务服务管理局)."""
    ga_item = item_factories.item("GA-001", dept="GA")
    cases = {
        # 5 working days from 2 March: due at the end of 9 March
        "red": submit(world, world.item, local(2026, 3, 2, 9)),
        # from 9 March: due at the end of 16 March, yellow from the end of 13 March
        "yellow": submit(world, world.item, local(2026, 3, 9, 9)),
        "green": submit(world, world.item, local(2026, 3, 16, 9)),
        "paused": submit(world, world.item, local(2026, 3, 2, 9)),
        "rejected": submit(world, world.item, local(2026, 3, 2, 9)),
        "countersign_green": submit(world, world.countersign_item, local(2026, 3, 13, 9)),
        "ga_red": submit(world, ga_item, local(2026, 3, 2, 9)),
        # never accepted: overdue at the window
        "window_red": submit(world, world.item, local(2026, 3, 2, 9)),
    }
    for key in ("red", "yellow", "green", "countersign_green", "ga_red"):
        services.accept_application(actor=world.clerk, case_id=cases[key].pk, now=cases[key].submitted_at)
    services.request_correction(actor=world.clerk, case_id=cases["paused"].pk, material_ids=[], note="请补充",
                                now=local(2026, 3, 3, 9))
    services.reject_application(actor=world.clerk, case_id=cases["rejected"].pk, reason="不属于本县管辖",
                                now=local(2026, 3, 3, 9))
    for case in cases.values():
        case.refresh_from_db()
    cases["ga_item"] = ga_item
    return cases


def test_sla_light_at_chosen_instants(world):
    # given a 5-day case submitted on Monday 9 March: due at the end of the 16th, yellow from the end of the 13th
    case = submit(world, world.item, local(2026, 3, 9, 9))
    assert case.due_at == local(2026, 3, 17) and case.warn_at == local(2026, 3, 14)
    # then its light changes exactly at those instants
    assert light_of(case, local(2026, 3, 13, 23, 59)) == "green"
    assert light_of(case, local(2026, 3, 14)) == "yellow"
    assert light_of(case, local(2026, 3, 16, 23, 59)) == "yellow"
    assert light_of(case, local(2026, 3, 17)) == "red"
    # a case waiting for the applicant's correction is paused, however late; a finished case is done
    for status, expected in [("correction", "paused"), ("closed", "done"), ("rejected", "done"),
                             ("withdrawn", "done"), ("awaiting_delivery", "red"), ("submitted", "red")]:
        assert selectors.sla_light(status=status, due_at=case.due_at, warn_at=case.warn_at,
                                   now=local(2026, 4, 1)) == expected, status


def test_board_counts_open_cases_by_department_and_by_item(world, county):
    # when the supervisor opens the board
    rows = selectors.supervision_board(now=NOW)
    # then the cases in review count against their department, those at the window against the
    # service centre (first on the board); the rejected case is not counted
    assert board_by_label(rows) == {"SCJG局": (2, 1, 1, 0, 4), "GA局": (0, 0, 1, 0, 1), "政务服务管理局": (0, 0, 1, 1, 2)}
    assert rows[0].label == "政务服务管理局" and rows[0].service_centre
    assert not any(r.service_centre for r in rows[1:])
    # and within SCJG, by item
    scjg = Department.objects.get(code="SCJG")
    items = selectors.supervision_board(now=NOW, department_id=scjg.pk)
    assert board_by_label(items) == {world.item.name: (1, 1, 1, 0, 3), world.countersign_item.name: (1, 0, 0, 0, 1)}
    assert {r.key for r in items} == {world.item.pk, world.countersign_item.pk}
    # and within the service centre, the window's cases by item, whichever department approves them
    centre = Department.objects.get(code="ZWFW")
    assert board_by_label(selectors.supervision_board(now=NOW, department_id=centre.pk)) == {
        world.item.name: (0, 0, 1, 1, 2)}


def test_the_service_centre_is_on_the_board_when_nothing_waits_at_the_window(world):
    # given one case in review and none at the window
    case = submit(world, world.item, local(2026, 3, 16, 9))
    services.accept_application(actor=world.clerk, case_id=case.pk, now=local(2026, 3, 16, 9, 30))
    # then the service centre still has its row, with nothing against it
    assert board_by_label(selectors.supervision_board(now=NOW)) == {"政务服务管理局": (0, 0, 0, 0, 0),
                                                                    "SCJG局": (1, 0, 0, 0, 1)}


def test_a_case_moves_from_the_centre_to_the_department_and_back(world):
    # given a case at the window
    case = submit(world, world.item, local(2026, 3, 16, 9))
    assert board_by_label(selectors.supervision_board(now=NOW))["政务服务管理局"][-1] == 1
    # when it is accepted, the approving department answers for it
    services.accept_application(actor=world.clerk, case_id=case.pk, now=local(2026, 3, 16, 9, 30))
    board = board_by_label(selectors.supervision_board(now=NOW))
    assert board["SCJG局"][-1] == 1 and board["政务服务管理局"][-1] == 0
    case.refresh_from_db()
    assert selectors.responsible_department(case).code == "SCJG"
    # when it is decided and waits for delivery (统一出件), the centre answers for it again
    decide(world, case, now=local(2026, 3, 16, 9, 45))
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_DELIVERY
    board = board_by_label(selectors.supervision_board(now=NOW))
    assert board["政务服务管理局"][-1] == 1 and "SCJG局" not in board
    assert selectors.responsible_department(case).code == "ZWFW"
    assert [c.responsible_name for c in selectors.board_cases(now=NOW)] == ["政务服务管理局"]


def test_board_drill_down_lists_the_cases_behind_each_number(world, county):
    scjg = Department.objects.get(code="SCJG")
    ga = Department.objects.get(code="GA")

    def numbers(**filters):
        return [c.number for c in selectors.board_cases(now=NOW, **filters)]

    centre = Department.objects.get(code="ZWFW")
    assert numbers(department_id=scjg.pk, light="red") == [county["red"].number]
    assert numbers(department_id=scjg.pk, light="yellow") == [county["yellow"].number]
    assert numbers(department_id=scjg.pk, light="paused") == []
    assert numbers(department_id=centre.pk, light="paused") == [county["paused"].number]
    assert numbers(department_id=centre.pk, light="red") == [county["window_red"].number]
    assert set(numbers(department_id=scjg.pk, light="green")) == {county["green"].number,
                                                                  county["countersign_green"].number}
    assert numbers(department_id=ga.pk) == [county["ga_red"].number]
    assert numbers(item_id=world.countersign_item.pk) == [county["countersign_green"].number]
    # across departments, most overdue first; closed cases never appear
    red = selectors.board_cases(now=NOW, light="red")
    assert {c.number for c in red} == {county["red"].number, county["ga_red"].number, county["window_red"].number}
    assert {c.number: c.responsible_name for c in red} == {county["red"].number: "SCJG局", county["ga_red"].number: "GA局",
                                                          county["window_red"].number: "政务服务管理局"}
    assert [c.due_at for c in red] == sorted(c.due_at for c in red)
    everything = selectors.board_cases(now=NOW)
    assert county["rejected"].number not in {c.number for c in everything}
    assert len(everything) == 7
    # and each listed case shows the same colour the board counted it under
    for light in ("green", "yellow", "red", "paused"):
        assert all(light_of(c) == light for c in selectors.board_cases(now=NOW, light=light)), light
    assert len(selectors.board_cases(now=NOW, limit=2)) == 2


def test_overdue_steps_are_escalated_to_every_head_once(world):
    # given a second head in SCJG, a case whose review step is overdue, and one that is not
    second_head = factories.user("scjg_head_2", SCJG="head")
    late = submit(world, world.item, local(2026, 3, 2, 9))
    services.accept_application(actor=world.clerk, case_id=late.pk, now=local(2026, 3, 2, 10))
    on_time = submit(world, world.item, local(2026, 3, 16, 9))
    services.accept_application(actor=world.clerk, case_id=on_time.pk, now=local(2026, 3, 16, 9, 30))
    late_step = CaseStep.objects.get(case=late, status=StepStatus.OPEN)
    assert late_step.due_at == local(2026, 3, 10)

    # when supervision runs
    assert services.escalate_overdue_steps(now=NOW) == 1

    # then each SCJG head is told once about the overdue step, and the escalation is audited
    notes = Notification.objects.filter(kind="case_step_escalated").order_by("recipient_id")
    assert [n.recipient_id for n in notes] == sorted([world.head.pk, second_head.pk])
    assert all(late.number in n.message and "审查" in n.message for n in notes)
    assert {n.link for n in notes} == {f"/work/cases/{late.number}/"}
    escalated = AuditEvent.objects.get(event_type="case_step_escalated")
    assert escalated.subject_id == str(late.pk) and escalated.actor is None
    assert escalated.details["step"] == "审查" and escalated.details["heads_notified"] == 2
    assert escalated.actor_department.code == "SCJG"
    late_step.refresh_from_db()
    assert late_step.escalated_at == NOW

    # when it runs again, later, nothing is repeated
    assert services.escalate_overdue_steps(now=local(2026, 3, 16, 11)) == 0
    assert Notification.objects.filter(kind="case_step_escalated").count() == 2
    assert AuditEvent.objects.filter(event_type="case_step_escalated").count() == 1

    # and when the review is done, the next step (already past the case's deadline) is escalated on its own
    services.complete_step(actor=world.reviewer, case_id=late.pk, step_id=late_step.pk, decision="approve",
                           now=local(2026, 3, 16, 12))
    assert services.escalate_overdue_steps(now=local(2026, 3, 16, 13)) == 1
    assert Notification.objects.filter(kind="case_step_escalated").count() == 4
    assert AuditEvent.objects.filter(event_type="case_step_escalated").count() == 2
    assert services.escalate_overdue_steps(now=local(2026, 3, 16, 14)) == 0


def test_escalation_in_small_batches_still_notifies_each_step_once(world):
    # given three overdue steps
    for _ in range(3):
        case = submit(world, world.item, local(2026, 3, 2, 9))
        services.accept_application(actor=world.clerk, case_id=case.pk, now=local(2026, 3, 2, 10))
    # when supervision works through them two at a time
    assert services.escalate_overdue_steps(now=NOW, batch_size=2) == 3
    # then the head has one note per step
    assert Notification.objects.filter(recipient=world.head).count() == 3
    assert services.escalate_overdue_steps(now=NOW, batch_size=2) == 0


def test_board_api_is_for_supervisors_only(world, county):
    client = Client()
    for username in ("citizen", "scjg_reviewer", "clerk", "scjg_head"):
        assert_error(client.get("/api/v1/supervision/board", **bearer(client, username)), 403, "permission_denied")
    assert_error(client.get("/api/v1/supervision/board"), 401, "not_authenticated")

    supervisor = bearer(client, "supervisor")
    rows = client.get("/api/v1/supervision/board", **supervisor)
    assert rows.status_code == 200, rows.content
    assert {r["label"]: (r["total"], r["service_centre"]) for r in rows.json()} == {
        "政务服务管理局": (2, True), "SCJG局": (4, False), "GA局": (1, False)}
    scjg = Department.objects.get(code="SCJG")
    by_item = client.get("/api/v1/supervision/board", {"department": scjg.pk}, **supervisor).json()
    assert {r["label"]: r["total"] for r in by_item} == {world.item.name: 3, world.countersign_item.name: 1}


def _queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_board_query_count_does_not_grow_with_the_number_of_cases(world):
    ga_item = item_factories.item("GA-001", dept="GA")
    items = [world.item, world.countersign_item, ga_item]
    scjg = Department.objects.get(code="SCJG")

    def add_cases(n):
        for i in range(n):
            submit(world, items[i % 3], local(2026, 3, 2 + i % 14, 9))

    def read_board():
        selectors.supervision_board(now=NOW)
        selectors.supervision_board(now=NOW, department_id=scjg.pk)
        return [(c.item.name, c.department.name, c.current_department)
                for c in selectors.board_cases(now=NOW, department_id=scjg.pk)]

    # given 5 open cases
    add_cases(5)
    with_five = _queries(read_board)
    # when there are 50
    add_cases(45)
    with_fifty = _queries(read_board)
    # then the board costs the same number of queries
    assert with_fifty == with_five <= 3
    assert sum(r.total for r in selectors.supervision_board(now=NOW)) == 50


def test_inbox_query_count_does_not_grow_with_the_number_of_tasks(world, django_assert_max_num_queries):
    client = Client()
    auth = bearer(client, "scjg_reviewer")

    def add_accepted(n):
        for _ in range(n):
            case = case_factories.apply_online(world.citizen, world.applicant, world.item)
            services.accept_application(actor=world.clerk, case_id=case.pk)

    def read_inbox():
        reviewer = get_user_model().objects.get(pk=world.reviewer.pk)  # fresh: roles not cached
        shown = [(s.case.number, s.case.item.name, s.case.applicant.name, s.department.name)
                 for s in selectors.my_tasks(reviewer)]
        return len(shown)

    add_accepted(3)
    with_three = _queries(read_inbox)
    api_three = _queries(lambda: client.get("/api/v1/tasks", **auth))
    add_accepted(12)
    with_fifteen = _queries(read_inbox)
    api_fifteen = _queries(lambda: client.get("/api/v1/tasks", **auth))

    assert with_fifteen == with_three
    assert api_fifteen == api_three
    with django_assert_max_num_queries(with_three):
        assert read_inbox() == 15
    assert client.get("/api/v1/tasks", **auth).json()["count"] == 15
    assert all(c.status == CaseStatus.IN_REVIEW for c in [s.case for s in selectors.my_tasks(world.reviewer)])


@pytest.mark.parametrize("department", ["99999999999999999999", "-99999999999999999999", "0"])
def test_board_api_with_an_out_of_range_department_is_not_a_server_error(world, department):
    # given a department id no database integer can hold (found by the schemathesis run)
    client = Client()
    response = client.get("/api/v1/supervision/board", {"department": department}, **bearer(client, "supervisor"))
    # then the supervisor gets an empty board or a 4xx, never a 500
    assert response.status_code < 500, response.content
    if response.status_code == 200:
        assert response.json() == []
