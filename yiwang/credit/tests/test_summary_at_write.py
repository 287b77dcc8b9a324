"""The facts summary kept current at the write (issue #12's 2 ms goal for the first application after
a write): every writer of a subject's register keeps the subject's summary in its own transaction,
after its write, so the next application reads one row; the nightly command keeps again what the
calendar (or a write by hand, or a new definition) left not current; writers and applications racing
on one subject end with the summary true."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yiwang.core import calendar
from yiwang.core.models import AuditEvent
from yiwang.credit import services
from yiwang.credit.facts import FACTS_DEFINITION, KEEP_FACTS_SQL, facts_by_index
from yiwang.credit.ingest import ingest_credit_records, publish_credit_resource
from yiwang.credit.models import CreditFactsSummary, CreditSubject, ItemCreditPolicy, ListKind, RecordKind
from yiwang.credit.tests.conftest import company, credit_officer, list_entry, penalty, today
from yiwang.testing import factories
from yiwang.testing.concurrency import backend_pid, hold_until_blocked_or_done, race

ONE_DAY = dt.timedelta(days=1)


def noon(day: dt.date | None) -> dt.datetime:
    return dt.datetime.combine(day or today(), dt.time(12), tzinfo=calendar.LOCAL_TZ)


def credit_on(item, firm, day: dt.date | None = None) -> dict:
    return services.evaluate_joint_rules(item=item, subject_kind=firm.kind, id_index=firm.id_index,
                                         now=noon(day)).facts["credit"]


def record(firm, kind: str, decided_on: dt.date, number: str):
    return services.add_record(
        actor=None, check_permission=False, subject_kind=firm.kind, subject_number=firm.id_number,
        subject_name=firm.name, department=factories.department("SCJG"),
        data=services.RecordInput(kind=kind, title="示例", basis="《示例条例》", decided_on=decided_on,
                                  decision_no=number))


def summary_is_current_and_true(item, firm, django_assert_num_queries) -> dict:
    """The subject's summary is current (its version, the definition, today in its validity) and the
    next application reads it in one statement, seeing exactly the facts computed from the register."""
    subject = CreditSubject.objects.get(kind=firm.kind, id_index=firm.id_index)
    summary = CreditFactsSummary.objects.get(subject=subject)
    assert (summary.facts_version, summary.definition) == (subject.facts_version, FACTS_DEFINITION)
    assert summary.computed_for <= today() < summary.valid_until
    truth = facts_by_index(firm.kind, firm.id_index, today())
    # the rule set's version built once for this process (by a subject not on file), not counted below
    services.evaluate_joint_rules(item=item, subject_kind=firm.kind, id_index="0" * 64, now=noon(today()))
    with django_assert_num_queries(1):  # the summary's row: nothing computed
        seen = credit_on(item, firm)
    assert seen == truth
    return seen


_CSV_HEAD = "record_no,subject_kind,subject_code,subject_name,kind,title,basis,severity,decided_on,publicity_end\n"


@pytest.mark.django_db
@pytest.mark.parametrize("writer", ["add_record", "record_from_decision", "add_list_entry", "commitment_by_rule",
                                    "check_commitment", "decide_repair", "ingest"])
def test_after_each_writer_the_next_application_reads_a_current_true_summary(
        writer, world, joint_rules, food_item, django_assert_num_queries):
    # given a company on file whose summary is current, with a commitment to check and a repairable penalty
    ItemCreditPolicy.objects.filter(item=food_item).update(commitment_system=True, restricted=False)
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    officer = credit_officer("scjg_credit", "SCJG")
    promise = record(firm, RecordKind.COMMITMENT, today() - dt.timedelta(days=30), "诺1")
    old = penalty(firm, days_ago=120)
    before = summary_is_current_and_true(food_item, firm, django_assert_num_queries)
    day = (today() - dt.timedelta(days=10)).isoformat()

    # when one writer writes
    if writer == "add_record":
        penalty(firm, days_ago=3, number="罚2")
    elif writer == "record_from_decision":
        services.record_from_decision(applicant=firm, department=factories.department("SCJG"),
                                      kind=RecordKind.LICENCE, title="许可", basis="《食品安全法》",
                                      decided_at=noon(today()), reference="case:78")
    elif writer == "add_list_entry":
        list_entry(firm, ListKind.BLACK)
    elif writer == "commitment_by_rule":
        evaluation = services.evaluate_joint_rules(item=food_item, subject_kind=firm.kind, id_index=firm.id_index,
                                                   now=noon(today()))
        assert evaluation.has("commitment")
        services.record_findings(case_id=5, case_number="YW5", stage="submission", evaluation=evaluation,
                                 now=noon(today()), write_proof=lambda _details, _unchanged: 1, subject_kind=firm.kind,
                                 subject_number=firm.id_number, subject_name=firm.name,
                                 department_id=food_item.department_id)
    elif writer == "check_commitment":
        services.check_commitment(actor=officer, record_id=promise.pk, kept=False)
    elif writer == "decide_repair":
        repair = services.request_repair(actor=None, subject=old.subject, statement="已整改", record_id=old.pk)
        services.decide_repair(actor=officer, repair_id=repair.pk, approve=True, note="整改到位")
    else:
        source = publish_credit_resource(actor=None, department=factories.department("SCJG"), code="SCJG_XYXX")
        csv = _CSV_HEAD + f"罚9,org,{firm.id_number},某县公司,penalty,无照经营,《条例》,general,{day},\n"
        assert ingest_credit_records(actor=None, source=source, file_name="xy.csv",
                                     stream=io.BytesIO(csv.encode())).created == 1

    # then the subject's summary was kept by the writer: current, true, read in one statement — and
    # it shows the write
    after = summary_is_current_and_true(food_item, firm, django_assert_num_queries)
    assert after != before


@pytest.mark.django_db
def test_an_ingestion_keeps_the_summaries_of_all_its_subjects_in_one_statement(
        world, joint_rules, food_item, django_assert_num_queries):
    # given one company on file (with a summary) and two the register does not know yet
    _u1, on_file = company("firm1", "91330100MA2B3C4D5", "在册公司")
    record(on_file, RecordKind.LICENCE, today() - dt.timedelta(days=50), "许1")
    _u2, new1 = company("firm2", "91330100MA2B3C4E3", "新公司一")
    _u3, new2 = company("firm3", "91330100MA2B3C4F1", "新公司二")
    source = publish_credit_resource(actor=None, department=factories.department("SCJG"), code="SCJG_XYXX")
    day = (today() - dt.timedelta(days=10)).isoformat()
    csv = _CSV_HEAD + "".join(f"罚{i},org,{firm.id_number},{firm.name},penalty,无照经营,《条例》,general,{day},\n"
                              for i, firm in enumerate((on_file, new1, new2, new1)))
    # when the file is ingested
    with CaptureQueriesContext(connection) as captured:
        assert ingest_credit_records(actor=None, source=source, file_name="xy.csv",
                                     stream=io.BytesIO(csv.encode())).created == 4
    # then the three summaries were kept by one set-based statement, not one per subject
    keeps = [q["sql"] for q in captured.captured_queries if "INSERT INTO credit_creditfactssummary" in q["sql"]]
    assert len(keeps) == 1, keeps
    # and each is current and true
    for firm, penalties in ((on_file, 1), (new1, 2), (new2, 1)):
        assert summary_is_current_and_true(food_item, firm, django_assert_num_queries)["penalties_12m"] == penalties


@pytest.mark.django_db
def test_the_statements_kept_for_the_sizes_of_a_keep_are_bounded():
    # given a process that keeps summaries for many different numbers of subjects (sizes 1 to the
    # bound and beyond; ids of no subject: nothing is kept, the statements run all the same)
    from yiwang.credit.facts import KEEP_SQL_CACHE_SIZE, _keep_facts_of_sql, keep_facts_of

    _keep_facts_of_sql.cache_clear()
    for size in range(1, KEEP_SQL_CACHE_SIZE + 20):
        assert keep_facts_of(range(10**9, 10**9 + size), today()) == 0
    # then the statements built for them are not all kept for the life of the process
    assert _keep_facts_of_sql.cache_info().currsize <= KEEP_SQL_CACHE_SIZE


# ----------------------------------------------------------------------------------------- the nightly command


@pytest.mark.django_db
def test_the_command_keeps_again_the_summaries_not_current_and_leaves_the_current_alone(
        world, joint_rules, food_item, django_assert_num_queries):
    # given four companies on file, with summaries kept at their writes
    firms = [company(f"firm{i}", code, f"公司{i}")[1]
             for i, code in enumerate(("91330100MA2B3C4D5", "91330100MA2B3C4E3", "91330100MA2B3C4F1",
                                       "91330100MA2B3C4G0"))]
    for i, firm in enumerate(firms):
        penalty(firm, days_ago=5, number=f"罚{i}")
    subjects = [CreditSubject.objects.get(kind=f.kind, id_index=f.id_index) for f in firms]
    summaries = CreditFactsSummary.objects.filter
    # one expired by the calendar (its validity ended today), its counts wrong so a keep shows
    summaries(subject=subjects[0]).update(valid_until=today(), penalties_12m=9)
    # one kept by an older definition of the facts
    summaries(subject=subjects[1]).update(definition="0" * 16, penalties_12m=9)
    # one deleted (a subject whose summary was never kept)
    summaries(subject=subjects[2]).delete()
    # and one current, computed yesterday (still current today): to be left alone
    summaries(subject=subjects[3]).update(computed_for=today() - ONE_DAY, penalties_12m=8)

    # when the nightly command runs for today
    out = io.StringIO()
    call_command("refresh_credit_summaries", stdout=out)

    # then the three not current are kept again, current and true; the current one is untouched
    assert "3 credit facts summaries kept" in out.getvalue()
    for firm in firms[:3]:
        assert summary_is_current_and_true(food_item, firm, django_assert_num_queries)["penalties_12m"] == 1
    untouched = CreditFactsSummary.objects.get(subject=subjects[3])
    assert (untouched.computed_for, untouched.penalties_12m) == (today() - ONE_DAY, 8)
    # audited
    audit = AuditEvent.objects.get(event_type="credit_summaries_refreshed")
    assert (audit.subject_id, audit.details) == (today().isoformat(), {"due": 3, "kept": 3})
    # and a second run the same day keeps nothing (idempotent)
    call_command("refresh_credit_summaries", stdout=out)
    assert "0 credit facts summaries kept" in out.getvalue()


@pytest.mark.django_db
def test_the_command_for_a_later_day_keeps_the_summaries_that_expire_by_then(world, joint_rules, food_item):
    # given a company whose penalty leaves its publicity tomorrow: its summary is valid until the day after
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    services.add_record(
        actor=None, check_permission=False, subject_kind=firm.kind, subject_number=firm.id_number,
        subject_name=firm.name, department=factories.department("SCJG"),
        data=services.RecordInput(kind=RecordKind.PENALTY, title="示例", basis="《示例条例》",
                                  decided_on=today() - dt.timedelta(days=200), decision_no="罚1",
                                  publicity_end=today() + ONE_DAY))
    subject = CreditSubject.objects.get(kind=firm.kind, id_index=firm.id_index)
    assert CreditFactsSummary.objects.get(subject=subject).valid_until == today() + 2 * ONE_DAY
    # when the command runs for tomorrow: still current then, left alone
    call_command("refresh_credit_summaries", day=(today() + ONE_DAY).isoformat(), stdout=io.StringIO())
    assert CreditFactsSummary.objects.get(subject=subject).computed_for == today()
    # for the day after: expired, kept again for that day, without the penalty
    after = today() + 2 * ONE_DAY
    call_command("refresh_credit_summaries", day=after.isoformat(), stdout=io.StringIO())
    summary = CreditFactsSummary.objects.get(subject=subject)
    assert (summary.computed_for, summary.penalties_12m) == (after, 0)
    assert credit_on(food_item, firm, after) == facts_by_index(firm.kind, firm.id_index, after)


@pytest.mark.django_db
def test_a_run_stopped_by_a_failing_chunk_audits_what_it_kept_and_exits_non_zero(world, monkeypatch):
    from django.core.management.base import CommandError

    from yiwang.credit import facts

    # given three companies whose summaries are not current, kept one subject a chunk
    firms = [company(f"firm{i}", code, f"公司{i}")[1]
             for i, code in enumerate(("91330100MA2B3C4D5", "91330100MA2B3C4E3", "91330100MA2B3C4F1"))]
    for i, firm in enumerate(firms):
        penalty(firm, days_ago=5, number=f"罚{i}")
    subjects = sorted(CreditSubject.objects.get(kind=f.kind, id_index=f.id_index).pk for f in firms)
    CreditFactsSummary.objects.filter(subject_id__in=subjects).update(valid_until=today(), penalties_12m=9)
    monkeypatch.setattr(facts, "KEEP_CHUNK", 1)
    # and the second chunk fails (the database refuses it, say)
    keep, calls = facts.keep_facts_of, []

    def failing_second(ids, day):
        calls.append(list(ids))
        kept = keep(ids, day)
        if len(calls) == 2:
            raise RuntimeError("the database refused the chunk")
        return kept

    monkeypatch.setattr(facts, "keep_facts_of", failing_second)

    # when the nightly command runs
    with pytest.raises(CommandError) as stopped:
        call_command("refresh_credit_summaries", stdout=io.StringIO())

    # then it exits non-zero with a message that says what was done and what to do
    assert stopped.value.returncode == 1
    assert "chunk 2 of 3 failed" in str(stopped.value) and "run it again" in str(stopped.value)
    # the first chunk stays kept, the failed one was rolled back, the third was not reached
    by_subject = {s.subject_id: s for s in CreditFactsSummary.objects.filter(subject_id__in=subjects)}
    assert [by_subject[pk].penalties_12m for pk in subjects] == [1, 9, 9]
    # and an audit record says what was done
    audit = AuditEvent.objects.get(event_type="credit_summaries_refresh_failed")
    assert audit.subject_id == today().isoformat()
    assert audit.details == {"due": 3, "chunks": 3, "chunks_done": 1, "subjects_done": 1, "kept": 1,
                             "last_subject_id": subjects[0], "error": "RuntimeError: the database refused the chunk"}
    assert not AuditEvent.objects.filter(event_type="credit_summaries_refreshed").exists()
    # a second run keeps the rest
    monkeypatch.setattr(facts, "keep_facts_of", keep)
    out = io.StringIO()
    call_command("refresh_credit_summaries", stdout=out)
    assert "2 credit facts summaries kept" in out.getvalue()


@pytest.mark.django_db
def test_the_command_refuses_a_day_that_is_not_a_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("refresh_credit_summaries", day="tomorrow", stdout=io.StringIO())
    with pytest.raises(CommandError, match="outside the years"):  # the 36-month window would start before year 1
        call_command("refresh_credit_summaries", day="0001-01-15", stdout=io.StringIO())


# ----------------------------------------------------------------------------------------- the race


@pytest.mark.django_db(transaction=True)
def test_writers_and_applications_racing_on_one_subject_end_with_a_true_current_summary(
        world, joint_rules, food_item):
    # given a company on file whose summary is not current (expired by the calendar today), so that
    # the applications below compute the facts and keep them, in autocommit, as a submission does
    # before its transaction opens
    _user, firm = company("firm", "91330100MA2B3C4D5", "某县公司")
    penalty(firm, days_ago=5, number="罚0")
    subject = CreditSubject.objects.get(kind=firm.kind, id_index=firm.id_index)
    CreditFactsSummary.objects.filter(subject=subject).update(valid_until=today())

    # when two writers (a record by hand, a list entry: each bumps the subject's row, then keeps its
    # summary) and two applications run at the same moment, in real threads, each with its own connection
    outcomes = race(
        lambda: penalty(firm, days_ago=3, number="罚1"),
        lambda: list_entry(firm, ListKind.BLACK),
        lambda: credit_on(food_item, firm),
        lambda: credit_on(food_item, firm),
    )

    # then nothing failed (no deadlock), and the summary is the register's: kept under the subject's
    # last version (an application's keep from an older snapshot never replaced a writer's), equal to
    # the facts computed now, and what the next application reads
    assert [o.error for o in outcomes] == [None] * 4, [repr(o.error) for o in outcomes]
    truth = facts_by_index(firm.kind, firm.id_index, today())
    assert truth["penalties_12m"] == 2 and truth["black_listed"] is True
    summary = CreditFactsSummary.objects.get(subject=subject)
    assert summary.facts_version == CreditSubject.objects.get(pk=subject.pk).facts_version
    assert summary.computed_for <= today() < summary.valid_until
    assert (summary.penalties_12m, summary.black_listed) == (2, 1)
    assert credit_on(food_item, firm) == truth


@pytest.mark.django_db(transaction=True)
def test_a_writer_of_several_subjects_and_an_application_keeping_a_new_summary_do_not_deadlock(
        world, joint_rules, food_item):
    # given two companies on file with no summary row yet (every subject after a deployment that
    # changes the facts' definition, or on the first nightly refresh)
    import threading

    from django.db import transaction

    _u1, first = company("first", "91330100MA2B3C4D5", "甲公司")
    _u2, second = company("second", "91330100MA2B3C4E3", "乙公司")
    penalty(first, days_ago=5, number="罚1")
    penalty(second, days_ago=5, number="罚2")
    subjects = [CreditSubject.objects.get(kind=f.kind, id_index=f.id_index).pk for f in (first, second)]
    CreditFactsSummary.objects.filter(subject_id__in=subjects).delete()
    postgresql = connection.vendor == "postgresql"
    locked, keeping, application_done = threading.Event(), threading.Event(), threading.Event()
    application_pid: list[int] = []
    met: list[str] = []

    def writer() -> None:  # an ingestion's last steps: both subjects bumped (their rows locked), then kept
        with transaction.atomic():
            services.bump_facts_version(subjects)
            locked.set()
            # the application's keep meets this transaction's locks for certain: the writer keeps only
            # once the application has started its keep statement and, on PostgreSQL, waits on a lock
            # this transaction holds or has finished without waiting (the server's lock table says
            # which). SQLite serialises writers (BEGIN IMMEDIATE holds the database's write lock from
            # the bump): a keep started now waits for this commit, whatever the threads' speed.
            assert keeping.wait(20), "the application never started keeping its summary"
            if postgresql:
                met.append(hold_until_blocked_or_done(application_pid[0], application_done,
                                                      what="the application keeping its summary"))
            services.keep_facts_summaries(subjects, noon(today()))

    def note_keep(execute, sql, params, many, context):
        if sql == KEEP_FACTS_SQL[connection.vendor]:
            keeping.set()
        return execute(sql, params, many, context)

    def application() -> dict:  # a submission's miss: computes and keeps a new summary row in autocommit
        try:
            if postgresql:
                application_pid.append(backend_pid())
            assert locked.wait(20), "the writer never locked its subjects"
            with connection.execute_wrapper(note_keep):
                return credit_on(food_item, first)
        finally:
            application_done.set()

    # when both run at once, the application's keep while the writer holds the subjects' rows
    outcomes = race(writer, application)

    # then neither is aborted (on PostgreSQL the new summary row's foreign key check takes KEY SHARE
    # on the subject's row: a writer's FOR UPDATE would block it while the writer waits for that row)
    assert [o.error for o in outcomes] == [None, None], ([repr(o.error) for o in outcomes], met)
    # and on PostgreSQL the application's keep went past the writer's locks without waiting for them
    assert keeping.is_set() and met == (["done"] if postgresql else [])
    assert outcomes[1].value == facts_by_index(first.kind, first.id_index, today())
    for pk in subjects:
        summary = CreditFactsSummary.objects.get(subject_id=pk)
        assert summary.facts_version == CreditSubject.objects.get(pk=pk).facts_version
