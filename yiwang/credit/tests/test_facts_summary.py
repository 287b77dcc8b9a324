"""The per-subject credit facts summary: an application reads one row instead of aggregating the
subject's records, and never sees stale facts — every writer bumps the subject's facts version,
and the summary is valid only until the first day a fact can change by the calendar alone."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from yiwang.core import calendar
from yiwang.credit import services
from yiwang.credit.facts import (
    FACTS_DEFINITION,
    _months_before,
    _valid_until_sql,
    compute_and_keep_facts,
    facts_by_index,
    status_from_facts,
    valid_until,
    window_leaves,
)
from yiwang.credit.ingest import ingest_credit_records, publish_credit_resource
from yiwang.credit.models import CreditFactsSummary, CreditSubject, ItemCreditPolicy, ListKind, RecordKind
from yiwang.credit.tests.conftest import company, credit_officer, list_entry, penalty, today
from yiwang.credit.tests.test_joint_rules import _work_of_the_evaluation
from yiwang.testing import factories

pytestmark = pytest.mark.django_db
ONE_DAY = dt.timedelta(days=1)


def noon(day: dt.date | None) -> dt.datetime:
    """A moment on ``day`` in the county's time zone (so the evaluation's day is ``day``)."""
    return dt.datetime.combine(day or today(), dt.time(12), tzinfo=calendar.LOCAL_TZ)


def evaluate(item, firm, day: dt.date | None = None):
    return services.evaluate_joint_rules(item=item, subject_kind=firm.kind, id_index=firm.id_index, now=noon(day))


def credit_on(item, firm, day: dt.date | None = None) -> dict:
    return evaluate(item, firm, day).facts["credit"]


def summary_of(firm) -> CreditFactsSummary:
    subject = CreditSubject.objects.get(kind=firm.kind, id_index=firm.id_index)
    return CreditFactsSummary.objects.get(subject=subject)


def kept_and_read_from_summary(item, firm, django_assert_num_queries) -> dict:
    """Evaluate twice: the first computes the facts and keeps them (two statements), the second
    reads them from the summary (one statement): the state every writer test starts from."""
    first = credit_on(item, firm)
    with django_assert_num_queries(1):
        assert credit_on(item, firm) == first
    return first


def record(firm, kind: str, decided_on: dt.date, number: str, **extra) -> object:
    return services.add_record(
        actor=None, check_permission=False, subject_kind=firm.kind, subject_number=firm.id_number,
        subject_name=firm.name, department=factories.department("SCJG"),
        data=services.RecordInput(kind=kind, title="示例", basis="《示例条例》", decided_on=decided_on,
                                  decision_no=number, **extra))


# ----------------------------------------------------------------------------------------- the window bound


def test_a_record_leaves_its_window_on_the_day_window_leaves_names_for_every_day_of_three_years():
    # the window counts a record on day d when decided_on >= _months_before(d, months), which clamps
    # the day to 28: window_leaves must be the first day that no longer counts it, never later
    day = dt.date(2023, 1, 1)
    while day < dt.date(2026, 1, 1):
        for months in (12, 24, 36):
            leaves = window_leaves(day, months)
            assert day >= _months_before(leaves - ONE_DAY, months), (day, months, leaves)
            assert day < _months_before(leaves, months), (day, months, leaves)
        day += ONE_DAY


def _sql_valid_until(rows: list[tuple]) -> list[dt.date]:
    """``valid_until`` as the keeping statement computes it in SQL (``facts._valid_until_sql``) for
    each row of seven bounds, on the test's database, in one statement."""
    from django.db import connection

    cast = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    names = ", ".join(f"b{i}" for i in range(1, 8))
    selects = " UNION ALL ".join(f"SELECT {i} AS n, " + ", ".join(f"{cast} AS b{j}" for j in range(1, 8))
                                 for i in range(len(rows)))
    sql = f"SELECT c.n, {_valid_until_sql(connection.vendor)} FROM ({selects}) c ORDER BY c.n"
    assert names
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("%%", "%"), [b for row in rows for b in row])
        return [day if isinstance(day, dt.date) else dt.date.fromisoformat(day) for _n, day in cursor.fetchall()]


def _in_batches(rows: list[tuple], size: int = 300) -> list[dt.date]:
    return [day for start in range(0, len(rows), size) for day in _sql_valid_until(rows[start:start + size])]


def test_the_sql_validity_bound_is_the_python_one_for_every_day_of_three_years():
    # given every decided-on day of 2023–2026 (a 29 February, every 28th–31st), alone in each window
    days = [dt.date(2023, 1, 1) + dt.timedelta(days=i) for i in range((dt.date(2027, 1, 1) - dt.date(2023, 1, 1)).days)]
    rows = [tuple(day if slot == position else None for slot in range(7)) for position in (1, 2, 3)
            for day in days]
    # then the statement's valid_until is window_leaves' day for the 12-, 24- and 36-month windows
    assert _in_batches(rows) == [valid_until(today(), row) for row in rows]
    assert dt.date(2024, 2, 29) in days and valid_until(today(), rows[days.index(dt.date(2024, 2, 29))]) == dt.date(
        2025, 3, 1)


def test_the_sql_validity_bound_is_the_python_one_for_the_other_bounds_and_their_mixes():
    import random

    # the day after a publicity end or a list entry's last day (never past date.max), a start and an
    # early end as they are, nothing at all (date.max), and random mixes of all seven
    edges = [dt.date(2024, 2, 28), dt.date(2024, 2, 29), dt.date(2025, 12, 31), dt.date(9999, 12, 30),
             dt.date.max]
    rows: list[tuple] = [(None,) * 7]
    rows += [tuple(day if slot == position else None for slot in range(7)) for position in (0, 4, 5, 6)
             for day in edges]
    chance = random.Random(12)
    decided = [dt.date(2022, 1, 1) + dt.timedelta(days=chance.randrange(2000)) for _i in range(200)]
    # a decision date is never later than today (check_record); the other bounds may be any day
    pools = [decided + edges, decided, decided, decided, decided + edges, decided + edges, decided + edges]
    rows += [tuple(chance.choice(pool) if chance.random() < 0.6 else None for pool in pools) for _i in range(600)]
    assert _in_batches(rows) == [valid_until(today(), row) for row in rows]


# ----------------------------------------------------------------------------------------- the hit path


def test_with_a_current_summary_the_statement_reads_none_of_the_records(world, joint_rules, food_item):
    # given a subject with many records: computing its facts is most of the statement's work
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县处罚较多公司")
    for i in range(60):
        penalty(firm, days_ago=5 + i, number=f"罚{i}")
    CreditFactsSummary.objects.all().delete()  # none kept (the writers keep one: measured without it)
    computing = _work_of_the_evaluation(food_item, firm, today=today())
    # when the facts are kept as the summary, the same statement reads one row instead
    assert credit_on(food_item, firm)["penalties_12m"] == 60
    assert summary_of(firm).penalties_12m == 60
    reading = _work_of_the_evaluation(food_item, firm, today=today())
    assert credit_on(food_item, firm)["penalties_12m"] == 60
    from django.db import connection

    if connection.vendor == "sqlite":
        assert reading * 5 < computing, (reading, computing)
    else:
        assert computing >= 60 and reading == 0, (reading, computing)


def test_the_summary_gives_the_facts_the_direct_computation_gives(world, joint_rules, food_item):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县黑名单食品有限公司")
    list_entry(firm, "black")
    penalty(firm, days_ago=5)
    record(firm, RecordKind.HONOUR, today() - dt.timedelta(days=400), "奖1")
    computed = evaluate(food_item, firm)
    from_summary = evaluate(food_item, firm)
    assert from_summary.facts == computed.facts
    assert [f.rule_id for f in from_summary.fired] == [f.rule_id for f in computed.fired]
    # the register's own reads (level, 秒批 status, report) compute directly: the same answers
    direct = facts_by_index(firm.kind, firm.id_index, today())
    assert from_summary.facts["credit"] == direct and status_from_facts(direct) == "black"


def test_a_summary_of_another_definition_of_the_facts_is_not_used(world, joint_rules, food_item):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    penalty(firm, days_ago=5)
    assert credit_on(food_item, firm)["penalties_12m"] == 1
    # a summary left by a deployment whose facts statement differed
    CreditFactsSummary.objects.filter(subject__id_index=firm.id_index).update(definition="0" * 16, penalties_12m=7)
    assert credit_on(food_item, firm)["penalties_12m"] == 1
    assert summary_of(firm).definition == FACTS_DEFINITION


# ----------------------------------------------------------------------------------------- every writer


def test_a_record_entered_by_hand_is_seen_by_the_next_evaluation(
        world, joint_rules, food_item, django_assert_num_queries):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    record(firm, RecordKind.LICENCE, today() - dt.timedelta(days=50), "许1")
    assert kept_and_read_from_summary(food_item, firm, django_assert_num_queries)["penalties_12m"] == 0
    penalty(firm, days_ago=5)
    assert credit_on(food_item, firm)["penalties_12m"] == 1


def test_a_list_entry_added_is_seen_by_the_next_evaluation(world, joint_rules, food_item, django_assert_num_queries):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    penalty(firm, days_ago=5)
    assert kept_and_read_from_summary(food_item, firm, django_assert_num_queries)["black_listed"] is False
    list_entry(firm, "black")
    assert credit_on(food_item, firm)["black_listed"] is True


def test_a_licence_decided_in_yiwang_is_seen_by_the_next_evaluation(
        world, joint_rules, food_item, django_assert_num_queries):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    penalty(firm, days_ago=5)
    assert kept_and_read_from_summary(food_item, firm, django_assert_num_queries)["licences"] == 0
    services.record_from_decision(applicant=firm, department=factories.department("SCJG"), kind=RecordKind.LICENCE,
                                  title="食品经营许可（准予许可）", basis="《食品安全法》", decided_at=noon(today()),
                                  reference="case:77", decision_no="YW77")
    assert credit_on(food_item, firm)["licences"] == 1


def test_a_commitment_recorded_by_a_rule_is_seen_by_the_next_evaluation(
        world, joint_rules, food_item, django_assert_num_queries):
    ItemCreditPolicy.objects.filter(item=food_item).update(commitment_system=True, restricted=False)
    _user, firm = company("firm", "91330100MA2B3C4D5", "承诺制公司")
    penalty(firm, days_ago=5)
    assert kept_and_read_from_summary(food_item, firm, django_assert_num_queries)["pending_commitments"] == 0
    evaluation = evaluate(food_item, firm)
    assert evaluation.has("commitment")
    services.record_findings(case_id=5, case_number="YW5", stage="submission", evaluation=evaluation,
                             now=noon(today()), write_proof=lambda _details, _unchanged: 1, subject_kind=firm.kind,
                             subject_number=firm.id_number, subject_name=firm.name,
                             department_id=food_item.department_id)
    assert credit_on(food_item, firm)["pending_commitments"] == 1


def test_a_commitment_checked_as_broken_is_seen_by_the_next_evaluation(
        world, joint_rules, food_item, django_assert_num_queries):
    _user, firm = company("firm", "91330100MA2B3C4D5", "承诺制公司")
    promise = record(firm, RecordKind.COMMITMENT, today() - dt.timedelta(days=30), "诺1")
    before = kept_and_read_from_summary(food_item, firm, django_assert_num_queries)
    assert (before["pending_commitments"], before["broken_commitments"]) == (1, 0)
    services.check_commitment(actor=credit_officer("scjg_credit", "SCJG"), record_id=promise.pk, kept=False)
    after = credit_on(food_item, firm)
    assert (after["pending_commitments"], after["broken_commitments"]) == (0, 1)


def test_a_penalty_repaired_is_seen_by_the_next_evaluation(world, joint_rules, food_item, django_assert_num_queries):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    old = penalty(firm, days_ago=120)  # a general penalty past its 3 months: repairable
    assert kept_and_read_from_summary(food_item, firm, django_assert_num_queries)["penalties_12m"] == 1
    repair = services.request_repair(actor=None, subject=old.subject, statement="已整改", record_id=old.pk)
    services.decide_repair(actor=credit_officer("scjg_credit", "SCJG"), repair_id=repair.pk, approve=True,
                           note="整改到位")
    assert credit_on(food_item, firm)["penalties_12m"] == 0


def test_a_black_list_entry_repaired_is_seen_by_the_next_evaluation(
        world, joint_rules, food_item, django_assert_num_queries):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    entry = list_entry(firm, ListKind.BLACK, starts_on=today() - dt.timedelta(days=200),
                       min_period_end=today() - dt.timedelta(days=10))
    assert kept_and_read_from_summary(food_item, firm, django_assert_num_queries)["black_listed"] is True
    repair = services.request_repair(actor=None, subject=entry.subject, statement="已整改", list_entry_id=entry.pk)
    services.decide_repair(actor=credit_officer("scjg_credit", "SCJG"), repair_id=repair.pk, approve=True,
                           note="整改到位")
    assert credit_on(food_item, firm)["black_listed"] is False


def test_records_ingested_for_a_subject_on_file_are_seen_by_the_next_evaluation(
        world, joint_rules, food_item, django_assert_num_queries):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    record(firm, RecordKind.LICENCE, today() - dt.timedelta(days=50), "许1")
    assert kept_and_read_from_summary(food_item, firm, django_assert_num_queries)["penalties_12m"] == 0
    source = publish_credit_resource(actor=None, department=factories.department("SCJG"), code="SCJG_XYXX")
    day = (today() - dt.timedelta(days=10)).isoformat()
    csv = ("record_no,subject_kind,subject_code,subject_name,kind,title,basis,severity,decided_on,publicity_end\n"
           f"罚9,org,{firm.id_number},某县公司,penalty,无照经营,《条例》,general,{day},\n")
    outcome = ingest_credit_records(actor=None, source=source, file_name="xy.csv", stream=io.BytesIO(csv.encode()))
    assert outcome.created == 1
    assert credit_on(food_item, firm)["penalties_12m"] == 1


def _bumps(write) -> list[str]:
    """The statements of ``write`` that change a subject's facts version."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        write()
    return [q["sql"] for q in captured.captured_queries
            if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT")) and "facts_version" in q["sql"]
            and "credit_creditsubject" in q["sql"] and "credit_creditfactssummary" not in q["sql"]]


def test_every_writer_bumps_a_subject_on_file_once_by_the_one_bump(world, joint_rules, food_item):
    # given a subject on file with a commitment to check, a repairable penalty and a black-list entry
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    officer = credit_officer("scjg_credit", "SCJG")
    promise = record(firm, RecordKind.COMMITMENT, today() - dt.timedelta(days=30), "诺1")
    old = penalty(firm, days_ago=120)
    subject = CreditSubject.objects.get(kind=firm.kind, id_index=firm.id_index)
    repair = services.request_repair(actor=None, subject=subject, statement="已整改", record_id=old.pk)
    source = publish_credit_resource(actor=None, department=factories.department("SCJG"), code="SCJG_XYXX")
    day = (today() - dt.timedelta(days=10)).isoformat()
    csv = ("record_no,subject_kind,subject_code,subject_name,kind,title,basis,severity,decided_on,publicity_end\n"
           f"罚9,org,{firm.id_number},某县公司,penalty,无照经营,《条例》,general,{day},\n")
    writers = {
        "add_record": lambda: penalty(firm, days_ago=3, number="罚2"),
        "add_list_entry": lambda: list_entry(firm, ListKind.RED),
        "record_from_decision": lambda: services.record_from_decision(
            applicant=firm, department=factories.department("SCJG"), kind=RecordKind.LICENCE, title="许可",
            basis="《食品安全法》", decided_at=noon(today()), reference="case:78"),
        "check_commitment": lambda: services.check_commitment(actor=officer, record_id=promise.pk, kept=False),
        "decide_repair": lambda: services.decide_repair(actor=officer, repair_id=repair.pk, approve=True, note="整改"),
        "ingest": lambda: ingest_credit_records(actor=None, source=source, file_name="xy.csv",
                                                stream=io.BytesIO(csv.encode())),
    }
    for name, write in writers.items():
        before = CreditSubject.objects.get(pk=subject.pk).facts_version
        # when it writes, then the subject's version goes up by one, in one statement of the one form
        bumps = _bumps(write)
        assert len(bumps) == 1 and services._BUMP_SQL in bumps[0], (name, bumps)
        assert CreditSubject.objects.get(pk=subject.pk).facts_version == before + 1, name


def test_a_writer_that_creates_the_subject_bumps_nothing_else(db):
    # a subject not on file: the find-and-bump finds nothing, the creation is the only other statement
    number = factories.uscc("91330100MA2B3C4D5")
    bumps = _bumps(lambda: services.ensure_subject(kind="org", id_number=number, name="新公司", department=None,
                                                   for_write=True))
    assert len(bumps) == 2 and all(services._BUMP_SQL in sql for sql in bumps), bumps
    assert CreditSubject.objects.get().facts_version == 0


# ----------------------------------------------------------------------------------------- the race


def _penalty_by_hand(subject: CreditSubject) -> None:
    """A penalty written outside the services (SQL by hand, a data migration): the version bumped as
    the register's contract asks, no summary kept."""
    from yiwang.credit.models import CreditRecord

    CreditRecord.objects.create(subject=subject, kind=RecordKind.PENALTY, title="手工录入", decision_no="手1",
                                source_department=factories.department("SCJG"), basis="依据",
                                decided_on=today() - dt.timedelta(days=5), published_on=today(),
                                publicity_end=today() + dt.timedelta(days=365),
                                min_publicity_end=today() + dt.timedelta(days=90), source="manual")
    services.bump_facts_version([subject.pk])


def test_facts_kept_before_a_write_are_never_served_after_it(
        world, joint_rules, food_item, django_assert_num_queries):
    # given facts computed and kept as the summary, in one statement, under the version they were read at
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    record(firm, RecordKind.LICENCE, today() - dt.timedelta(days=50), "许1")
    kept = compute_and_keep_facts(firm.kind, firm.id_index, today())
    assert kept.kept and kept.facts["penalties_12m"] == 0
    assert summary_of(firm).facts_version == kept.facts_version
    # when a writer outside the services (SQL by hand) adds a penalty and bumps the version, keeping
    # no summary
    subject = CreditSubject.objects.get(kind=firm.kind, id_index=firm.id_index)
    _penalty_by_hand(subject)
    # then the kept row names the version before the write, so it is not used
    subject.refresh_from_db()
    assert summary_of(firm).facts_version == kept.facts_version < subject.facts_version
    assert credit_on(food_item, firm)["penalties_12m"] == 1
    with django_assert_num_queries(1):
        assert credit_on(food_item, firm)["penalties_12m"] == 1


def test_facts_of_an_older_snapshot_never_replace_a_newer_summary(world, joint_rules, food_item):
    # given a summary kept from a newer facts version than the one an evaluation now reads (as when
    # a concurrent evaluation that saw a later write kept its facts first)
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    penalty(firm, days_ago=5)
    assert credit_on(food_item, firm)["penalties_12m"] == 1
    subject = CreditSubject.objects.get(kind=firm.kind, id_index=firm.id_index)
    CreditFactsSummary.objects.filter(subject=subject).update(facts_version=subject.facts_version + 1,
                                                                penalties_12m=7)
    # when the evaluation computes and keeps the facts of its (older) version
    again = compute_and_keep_facts(firm.kind, firm.id_index, today())
    # then the newer row stays, and the evaluation's facts are computed, not taken from the newer row
    assert not again.kept and again.facts["penalties_12m"] == 1
    newer = summary_of(firm)
    assert (newer.facts_version, newer.penalties_12m) == (subject.facts_version + 1, 7)


def test_an_evaluation_that_keeps_no_summary_computes_the_facts_and_keeps_nothing(
        world, joint_rules, food_item, django_assert_num_queries):
    # a decision evaluates with keep_summary=False (cases.services.credit.check_at_decision)
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    penalty(firm, days_ago=5)
    CreditFactsSummary.objects.all().delete()  # the writer kept one: the subject as one written by hand
    # the rule set's version and table built once for this process (by a subject not on file), not counted below
    services.evaluate_joint_rules(item=food_item, subject_kind=firm.kind, id_index="0" * 64, now=noon(today()))
    with django_assert_num_queries(2):
        evaluation = services.evaluate_joint_rules(item=food_item, subject_kind=firm.kind, id_index=firm.id_index,
                                                   now=noon(today()), keep_summary=False)
    assert evaluation.facts["credit"]["penalties_12m"] == 1
    assert not CreditFactsSummary.objects.exists()
    # and an application computes and keeps them in one statement: two in all, then one
    with django_assert_num_queries(2):
        assert credit_on(food_item, firm)["penalties_12m"] == 1
    with django_assert_num_queries(1):
        assert credit_on(food_item, firm)["penalties_12m"] == 1


# ----------------------------------------------------------------------------------------- the calendar


def _facts_across(item, firm, fact: str, day: dt.date) -> tuple[list, dt.date]:
    """The fact on the day before ``day``, on ``day`` and the day after, evaluated in that order (each
    one may use the summary the one before kept), and the validity the first evaluation gave it."""
    values = [credit_on(item, firm, day - ONE_DAY)[fact]]
    valid_until = summary_of(firm).valid_until
    values += [credit_on(item, firm, day)[fact], credit_on(item, firm, day + ONE_DAY)[fact]]
    return values, valid_until


@pytest.mark.parametrize(("kind", "decided", "months", "fact"), [
    (RecordKind.PENALTY, dt.date(today().year - 2, 3, 15), 12, "penalties_12m"),
    (RecordKind.PENALTY, dt.date(today().year - 2, 1, 30), 12, "penalties_12m"),  # day clamped to 28
    (RecordKind.COMMITMENT, dt.date(today().year - 3, 5, 10), 24, "broken_commitments"),
    (RecordKind.HONOUR, dt.date(today().year - 4, 7, 28), 36, "honours_36m"),
    (RecordKind.HONOUR, dt.date(today().year - 4, 2, 27), 36, "honours_36m"),
])
def test_a_record_leaves_its_window_on_its_day_and_not_a_day_later(world, joint_rules, food_item, kind, decided,
                                                                    months, fact):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    entered = record(firm, kind, decided, "窗1", publicity_end=decided + dt.timedelta(days=3650))
    if kind == RecordKind.COMMITMENT:
        services.check_commitment(actor=credit_officer("scjg_credit", "SCJG"), record_id=entered.pk, kept=False)
    leaves = window_leaves(decided, months)
    assert _months_before(leaves, months) > decided >= _months_before(leaves - ONE_DAY, months)
    values, valid_until = _facts_across(food_item, firm, fact, leaves)
    assert values == [1, 0, 0]
    assert valid_until == leaves  # exact: the window is the only thing that changes by the calendar here


@pytest.mark.parametrize(("kind", "fact", "counted", "gone", "extra"), [
    (RecordKind.LICENCE, "licences", 1, 0, {}),
    (RecordKind.ENFORCEMENT, "enforcement", True, False, {}),
    (RecordKind.PENALTY, "serious_penalties", 1, 0, {"severity": "serious"}),
])
def test_a_record_leaves_publicity_the_day_after_it_ends(world, joint_rules, food_item, kind, fact, counted, gone,
                                                         extra):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    decided = today() - dt.timedelta(days=100)
    end = decided + dt.timedelta(days=50)
    record(firm, kind, decided, "文1", publicity_end=end, **extra)
    values, valid_until = _facts_across(food_item, firm, fact, end + ONE_DAY)
    assert values == [counted, gone, gone] and valid_until == end + ONE_DAY


def test_a_writer_that_finds_no_subject_and_meets_one_made_concurrently_still_bumps_it(
        world, joint_rules, food_item, monkeypatch):
    # given a subject with a current summary, made by a concurrent request after this writer looked
    # for the subject (its find-and-bump saw none) and before it created one
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    list_entry(firm, ListKind.RED)
    assert credit_on(food_item, firm)["penalties_12m"] == 0
    monkeypatch.setattr(services, "_bumped_subject", lambda kind, index: None)
    # when the writer enters a penalty (its creation meets the subject on file: ON CONFLICT)
    penalty(firm, days_ago=5)
    monkeypatch.undo()
    # then the next evaluation sees it: the summary is not current any more
    assert credit_on(food_item, firm)["penalties_12m"] == 1


def test_a_list_entry_counts_from_its_first_day_to_its_last(world, joint_rules, food_item):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    starts = today() + dt.timedelta(days=30)
    ends = starts + dt.timedelta(days=40)
    list_entry(firm, ListKind.BLACK, starts_on=starts, ends_on=ends)
    values, valid_until = _facts_across(food_item, firm, "black_listed", starts)
    assert values == [False, True, True] and valid_until == starts
    values, valid_until = _facts_across(food_item, firm, "black_listed", ends + ONE_DAY)
    assert values == [True, False, False] and valid_until == ends + ONE_DAY


def test_a_list_entry_ended_early_counts_until_the_day_before_its_end(world, joint_rules, food_item):
    # given a black-list entry without a last day, ended early (a repair) from a day still to come
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    entry = list_entry(firm, ListKind.BLACK, starts_on=today() - dt.timedelta(days=30))
    ended = today() + dt.timedelta(days=20)
    type(entry).objects.filter(pk=entry.pk).update(ended_on=ended)
    services.bump_facts_version([entry.subject_id])  # as the repair's writer does
    # then the entry counts on the day before its end, not on it: the summary kept the day before
    # is valid until that day exactly (the early end is the only thing that changes by the calendar)
    values, valid_until = _facts_across(food_item, firm, "black_listed", ended)
    assert values == [True, False, False] and valid_until == ended


def test_a_summary_is_not_used_for_a_day_before_the_one_it_was_computed_for(world, joint_rules, food_item):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    list_entry(firm, ListKind.RED, starts_on=today() - dt.timedelta(days=5), ends_on=today() + dt.timedelta(days=5))
    assert credit_on(food_item, firm)["red_listed"] is True
    assert credit_on(food_item, firm, today() - dt.timedelta(days=10))["red_listed"] is False
