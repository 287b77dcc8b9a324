"""The incremental rollup equals the rebuild, after a random mix of real transitions of cases
(submitted online and at the window, accepted, corrected, rejected, withdrawn, decided, delivered)
and appeals (submitted, dispatched, closed, merged), over several days."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from yiwang.appeals import services as appeals
from yiwang.appeals.models import AppealChannel
from yiwang.cases import services
from yiwang.cases.models import Case, CaseStatus, CaseStep, Channel, StepStatus
from yiwang.core.errors import DomainError
from yiwang.evaluation import services as evaluation
from yiwang.evaluation.models import Rating, Rectification
from yiwang.insights import rollup
from yiwang.insights.models import CaseFact, DailyRollup
from yiwang.intelligence import services as intelligence
from yiwang.testing import case_factories, factories

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # a Monday, 09:00 in Shanghai


def _advance(world, case: Case, rng: random.Random, now: dt.datetime) -> None:
    case.refresh_from_db()
    if case.status == CaseStatus.SUBMITTED:
        choice = rng.choice(["accept", "accept", "accept", "correct", "reject", "withdraw"])
        if choice == "accept":
            services.accept_application(actor=world.clerk, case_id=case.pk, now=now)
        elif choice == "correct":
            material = case.item.materials.first()
            assert material is not None
            services.request_correction(actor=world.clerk, case_id=case.pk, material_ids=[material.pk],
                                        note="请补充材料", now=now)
        elif choice == "reject":
            services.reject_application(actor=world.clerk, case_id=case.pk, reason="不属于受理范围", now=now)
        else:
            services.withdraw_application(actor=world.citizen, case_id=case.pk, now=now)
    elif case.status == CaseStatus.CORRECTION:
        refs = case_factories.required_material_refs(world.citizen, case.item)[:1]
        services.supply_correction(actor=world.citizen, case_id=case.pk, materials=refs, now=now)
    elif case.status == CaseStatus.IN_REVIEW:
        step = CaseStep.objects.filter(case=case, status=StepStatus.OPEN).order_by("id").first()
        assert step is not None
        actor = world.reviewer if step.name == "审查" else world.decider
        decision = "deny" if step.name == "决定" and rng.random() < 0.2 else "approve"
        services.complete_step(actor=actor, case_id=case.pk, step_id=step.pk, decision=decision, now=now)
    elif case.status == CaseStatus.AWAITING_DELIVERY:
        services.deliver_result(actor=world.clerk, case_id=case.pk, method="electronic", now=now)


def _evaluate(world, rng: random.Random, now: dt.datetime, cases: list[Case]) -> None:
    """Rate a closed case, follow a rating up, answer / call back / close a rectification, or have
    a rating voided by 申诉复核."""
    closed = list(Case.objects.filter(pk__in=[c.pk for c in cases], status=CaseStatus.CLOSED,
                                      submitted_by=world.citizen))  # the applicant rates their own online cases
    choice = rng.random()
    if choice < 0.5 and closed:
        case = rng.choice(closed)
        assert case.number is not None
        evaluation.rate_case(actor=world.citizen, number=case.number, level=rng.choice([1, 1, 2, 3, 4, 5]), now=now,
                             channel=rng.choice(["online", "api"]))
    elif choice < 0.6 and Rating.objects.filter(follow_up_of__isnull=True).exists():
        original = rng.choice(list(Rating.objects.filter(follow_up_of__isnull=True)))
        evaluation.follow_up_rating(actor=world.citizen, rating_id=original.pk, level=rng.choice([2, 4, 5]), now=now)
    elif choice < 0.9 and Rectification.objects.exists():
        r = rng.choice(list(Rectification.objects.all()))
        if r.status == "open":
            evaluation.reply_rectification(actor=world.reviewer, rectification_id=r.pk, reply="已约谈窗口并整改。", now=now)
        elif r.callback_at is None:
            evaluation.record_rectification_callback(actor=world.supervisor, rectification_id=r.pk,
                                                     result="satisfied", now=now)
        else:
            evaluation.close_rectification(actor=world.supervisor, rectification_id=r.pk, now=now)
    elif choice > 0.95 and Rating.objects.filter(counted=True, grade="bad").exists():
        rating = rng.choice(list(Rating.objects.filter(counted=True, grade="bad")))
        review = evaluation.request_review(actor=world.reviewer, rating_id=rating.pk, reason_kind="malicious",
                                           reason="评价内容与办件无关。", now=now)
        evaluation.decide_review(actor=world.supervisor, review_id=review.pk, uphold=True, decision="查实为误评。",
                                 now=now)


def test_incremental_rollup_equals_rebuild_after_random_transitions(world):
    rng = random.Random(20261206)
    intelligence.set_category_route(actor=None, category="交通运输", department_code="SCJG")
    dispatcher = factories.user("dispatcher", ZWFW="dispatcher")
    handler = factories.user("scjg_appeals", SCJG="reviewer")
    cases, appeal_numbers = [], []
    now = START
    for step in range(160):
        now += dt.timedelta(hours=rng.choice([1, 3, 7, 20]))
        roll = rng.random()
        if roll < 0.25 or not cases:
            if rng.random() < 0.3:
                refs = case_factories.required_material_refs(world.clerk, world.item)
                case, _ = services.submit_application(actor=world.clerk, item=world.item, applicant=world.applicant,
                                                      form_data={"shop_name": "青禾小馆"}, materials=refs,
                                                      channel=Channel.WINDOW, now=now)
            else:
                case = case_factories.apply_online(world.citizen, world.applicant, world.item, now=now)
            cases.append(case)
        elif roll < 0.35:
            a = appeals.submit_appeal(actor=None, intake=appeals.Intake(
                channel=AppealChannel.PORTAL, title=f"公交站台破损{step}", body="站台顶棚破损漏雨。",
                address="某县城关镇人民路1号"), now=now)
            appeal_numbers.append(a.appeal.number)
        elif roll < 0.45 and appeal_numbers:
            number = rng.choice(appeal_numbers)
            try:
                if rng.random() < 0.5:
                    appeals.dispatch_appeal(actor=dispatcher, number=number, category="交通运输", lead="SCJG", now=now)
                elif rng.random() < 0.8:
                    appeals.close_appeal(actor=handler, number=number, reply="已修复站台顶棚。", now=now)
                elif len(appeal_numbers) > 1:
                    other = rng.choice([n for n in appeal_numbers if n != number])
                    appeals.merge_appeals(actor=dispatcher, number=number, into=other, now=now)
            except DomainError:
                pass  # a transition the appeal's state does not allow: refused, nothing changed
        elif roll < 0.55:
            try:
                _evaluate(world, rng, now, cases)
            except DomainError:
                pass
        else:
            try:
                _advance(world, rng.choice(cases), rng, now)
            except DomainError:
                pass
    for _step in range(150):  # then mostly 好差评, as closed cases accumulate
        now += dt.timedelta(hours=rng.choice([1, 5, 20]))
        try:
            if rng.random() < 0.4:
                _advance(world, rng.choice(cases), rng, now)
            else:
                _evaluate(world, rng, now, cases)
        except DomainError:
            pass
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {CaseStatus.CLOSED, CaseStatus.IN_REVIEW} <= statuses, statuses  # the mix went somewhere
    incremental = rollup.snapshot()
    facts = {f.case_id: f for f in CaseFact.objects.all()}
    assert len({day for day, _d, _i in incremental}) > 3
    assert any(v["closed"] for v in incremental.values()) and any(v["appeals"] for v in incremental.values())

    assert any(v["ratings"] for v in incremental.values()) and any(v["rectifications"] for v in incremental.values())
    assert Rating.objects.filter(counted=False).exists()  # a 追评 or a void happened

    call_command("rebuild_kpi_rollups", verbosity=0)
    rebuilt = rollup.snapshot()
    assert rebuilt == incremental
    for f in CaseFact.objects.all():
        old = facts[f.case_id]
        assert all(getattr(f, n) == getattr(old, n) for n in rollup.CASE_FACT_FIELDS), f.case_id


def test_rebuild_repairs_a_rollup_that_drifted(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    good = rollup.snapshot()
    DailyRollup.objects.update(submitted=99)
    assert rollup.snapshot() != good
    rollup.rebuild()
    assert rollup.snapshot() == good
    assert CaseFact.objects.get(case_id=case.pk).online


def test_a_deleted_case_leaves_the_rollup(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    assert rollup.snapshot()
    from yiwang.cases.models import CaseEngineState, CaseMaterial

    CaseMaterial.objects.filter(case=case).delete()
    CaseEngineState.objects.filter(case=case).delete()
    case.delete()
    assert rollup.snapshot() == {}


def test_an_instant_case_counts_once_as_automated_and_closed_even_if_an_event_comes_twice(world):
    from yiwang.cases.tests.test_instant import FORM, RULES
    from yiwang.catalog.services import publish_rule_set_version
    from yiwang.testing import item_factories

    item = item_factories.item("RS-CARD", dept="SCJG", form_schema=FORM,
                               stages=[{"id": "decide", "name": "决定", "dept": "SCJG", "role": "decider"}],
                               materials=(("身份证明", True),))
    publish_rule_set_version(actor=None, key="card", name="补领规则", dmn_xml=RULES, items=[item])
    item.refresh_from_db()
    refs = case_factories.required_material_refs(world.citizen, item)
    case, _ = services.submit_application(actor=world.citizen, item=item, applicant=world.applicant,
                                          form_data={"reported_loss": "是", "months": 12}, materials=refs)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.decided_by_rules
    incremental = rollup.snapshot()
    [row] = [v for (_d, _dept, i), v in incremental.items() if i == item.pk]
    assert (row["submitted"], row["automated"], row["closed"], row["materials"]) == (1, 1, 1, 1)

    rollup.record_case(case, event_type="case_decided")  # the same event again adds nothing
    rollup.record_case(case, event_type="case_delivered")
    assert rollup.snapshot() == incremental
    rollup.rebuild()
    assert rollup.snapshot() == incremental


def test_a_case_change_is_followed_without_a_read_and_in_one_statement_on_postgresql(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    for event in ("case_accepted", "case_urged", "case_step_completed", "case_decided"):  # not by the rules
        with CaptureQueriesContext(connection) as queries:
            rollup.record_case(case, event_type=event)
        assert len(queries) == 0, (event, [q["sql"] for q in queries])
    # closed two hours later, or just before midnight when the test runs late in the (local) day
    submitted = timezone.localtime(case.submitted_at)
    to_midnight = submitted.replace(hour=23, minute=59, second=59, microsecond=0) - submitted
    held = dt.timedelta(seconds=min(7200, int(to_midnight.total_seconds())))
    case.status, case.closed_at = CaseStatus.CLOSED, case.submitted_at + held
    with CaptureQueriesContext(connection) as queries:
        rollup.record_case(case, event_type="case_delivered")
    statements = [q["sql"] for q in queries]
    assert not any(s.lstrip().upper().startswith("SELECT") for s in statements), statements
    assert len(statements) == (1 if connection.vendor == "postgresql" else 2), statements
    fact = CaseFact.objects.get(case_id=case.pk)
    assert fact.closed_day is not None and fact.same_day and fact.handling_seconds == held.total_seconds()
