"""The credit register: subjects, records (双公示), red and black lists, the level rules, repair."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from yiwang.core.calendar import LOCAL_TZ
from yiwang.core.errors import Forbidden, InvalidInput
from yiwang.core.models import AuditEvent
from yiwang.credit import services
from yiwang.credit.facts import LEVEL_RULES_VERSION, level_from_facts, subject_facts
from yiwang.credit.models import CreditHistory, CreditRecord, CreditSubject, ListEntry, RecordStatus, RepairRequest
from yiwang.credit.selectors import credit_status_of
from yiwang.credit.tests.conftest import company, credit_officer, list_entry, penalty, today
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


def record_input(**extra):
    return services.RecordInput(**{"kind": "penalty", "title": "无证经营", "basis": "《无证无照经营查处办法》",
                                   "decided_on": today() - dt.timedelta(days=3), **extra})


def test_a_record_for_a_credit_code_with_a_wrong_check_character_is_refused(db):
    officer = credit_officer("scjg_credit", "SCJG")
    good = factories.uscc("91330100MA2B3C4D5")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(InvalidInput) as refused:
        services.add_record(actor=officer, subject_kind="org", subject_number=wrong, subject_name="某公司",
                            department=factories.department("SCJG"), data=record_input())
    assert refused.value.code == "invalid_uscc" and "校验位错误" in refused.value.message
    assert not CreditSubject.objects.exists() and not CreditRecord.objects.exists()


def test_a_record_is_published_within_seven_working_days_and_its_publicity_period_is_kept(db):
    officer = credit_officer("scjg_credit", "SCJG")
    record = services.add_record(actor=officer, subject_kind="org", subject_number=factories.uscc("91330100MA2B3C4D5"),
                                 subject_name="某公司", department=factories.department("SCJG"),
                                 data=record_input(decision_no="罚〔2026〕9号"))
    assert record.published_on == today() and record.publish_due > record.decided_on
    assert not record.published_late
    assert record.publicity_end > record.decided_on and record.min_publicity_end <= record.publicity_end
    assert record.source_department.code == "SCJG" and record.basis
    assert AuditEvent.objects.filter(event_type="credit_record_entered", subject_id=str(record.pk)).exists()
    assert CreditHistory.objects.filter(record=record, event="record_entered").exists()
    # entered long after the decision, it shows as published late
    late = services.add_record(actor=officer, subject_kind="org", subject_number=factories.uscc("91330100MA2B3C4D5"),
                               subject_name="某公司", department=factories.department("SCJG"),
                               data=record_input(decided_on=today() - dt.timedelta(days=60), decision_no="罚〔2026〕1号"))
    assert late.published_late


def test_the_same_decision_number_is_not_entered_twice(db):
    officer = credit_officer("scjg_credit", "SCJG")
    args = {"actor": officer, "subject_kind": "org", "subject_number": factories.uscc("91330100MA2B3C4D5"),
            "subject_name": "某公司", "department": factories.department("SCJG"),
            "data": record_input(decision_no="罚〔2026〕9号")}
    services.add_record(**args)
    with pytest.raises(InvalidInput):
        services.add_record(**args)


def test_only_credit_staff_of_the_source_department_enter_its_records(db):
    other = credit_officer("sw_credit", "SW")
    clerk = factories.user("clerk", SCJG="clerk")
    for actor in (other, clerk):
        with pytest.raises(Forbidden):
            services.add_record(actor=actor, subject_kind="org", subject_number=factories.uscc("91330100MA2B3C4D5"),
                                subject_name="某公司", department=factories.department("SCJG"), data=record_input())


def test_a_person_is_filed_by_blind_index_and_the_number_is_sealed(db):
    officer = credit_officer("scjg_credit", "SCJG")
    number = factories.citizen_id("11010119900307851")
    record = services.add_record(actor=officer, subject_kind="person", subject_number=number, subject_name="张三",
                                 department=factories.department("SCJG"), data=record_input())
    subject = record.subject
    assert subject.code == "" and subject.id_number == number and subject.department.code == "SCJG"
    with connection.cursor() as cursor:  # below the field, which decrypts on read
        cursor.execute("SELECT id_number FROM credit_creditsubject WHERE id = %s", [subject.pk])
        raw = cursor.fetchone()[0]
    assert number not in raw  # SM4-sealed in the database
    assert subject.public_code.startswith("P") and number not in subject.public_code


def test_an_applicant_saved_with_a_number_typed_another_way_is_the_subject_its_records_are_filed_under(db):
    # given a person's records filed under the register's index of their number, and an applicant row
    # saved with the same number typed with a lower-case x (a path that skips the window's validation)
    from yiwang.core.models import Applicant, ApplicantKind

    officer = credit_officer("scjg_credit", "SCJG")
    number = "11010519491231002X"  # the GB 11643 specimen
    record = services.add_record(actor=officer, subject_kind="person", subject_number=number, subject_name="张三",
                                 department=factories.department("SCJG"), data=record_input())
    applicant = Applicant.objects.create(kind=ApplicantKind.PERSON, name="张三", id_number=number.lower())
    # then evaluations of that applicant read the subject the records are filed under
    assert services.subject_of_applicant(applicant) == ("person", record.subject.id_index)


def test_a_list_entry_whose_end_precedes_its_start_is_refused(db):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某公司")
    with pytest.raises(InvalidInput) as refused:
        list_entry(firm, "black", starts_on=today(), ends_on=today() - dt.timedelta(days=1))
    assert refused.value.code == "credit_invalid_period"
    assert not ListEntry.objects.exists()
    # and the database refuses it too, whoever writes around the service
    subject = services.ensure_subject(kind="org", id_number=firm.id_number, name=firm.name, department=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        ListEntry.objects.create(subject=subject, kind="black", reason="x", legal_basis="y",
                                 department=factories.department("SCJG"), starts_on=today(),
                                 ends_on=today() - dt.timedelta(days=1))


def test_the_level_is_derived_by_the_versioned_rules_not_set_by_hand(db):
    _u1, clean = company("c1", "91330100MA2B3C4D5", "守法公司")
    _u2, punished = company("c2", "91330100MA2B3C4D6", "处罚公司")
    _u3, black = company("c3", "91330100MA2B3C4D7", "失信公司")
    _u4, red = company("c4", "91330100MA2B3C4D8", "守信公司")
    _u5, unknown = company("c5", "91330100MA2B3C4D9", "未建档公司")
    services.record_from_decision(applicant=clean, department=factories.department("SCJG"), kind="licence",
                                  title="许可", basis="依据", decided_at=dt.datetime.now(dt.UTC), reference="case:1")
    penalty(punished)
    list_entry(black, "black")
    list_entry(red, "red", dept="SW")

    def level(applicant):
        subject = CreditSubject.objects.filter(kind="org", id_index=applicant.id_index).first()
        return subject_facts(subject, today())["level"]

    assert [level(a) for a in (clean, punished, black, red, unknown)] == ["B", "C", "D", "A", None]
    assert level_from_facts(subject_facts(None, today())).version == LEVEL_RULES_VERSION
    assert credit_status_of("org", unknown.id_index, today()) == "unrecorded"
    assert credit_status_of("org", clean.id_index, today()) == "normal"
    assert credit_status_of("org", black.id_index, today()) == "black"
    assert credit_status_of("org", red.id_index, today()) == "red"


def test_an_expired_list_entry_no_longer_counts(db):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某公司")
    list_entry(firm, "black", starts_on=today() - dt.timedelta(days=400), ends_on=today() - dt.timedelta(days=1))
    assert credit_status_of("org", firm.id_index, today()) == "normal"


def test_repair_ends_the_publicity_early_and_appends_history(db):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某公司")
    record = penalty(firm, days_ago=200)
    officer = credit_officer("scjg_credit", "SCJG")
    repair = services.request_repair(actor=None, subject=record.subject, statement="已缴清罚款并整改", record_id=record.pk)
    assert repair.department.code == "SCJG"
    # another department cannot decide it
    with pytest.raises(Forbidden):
        services.decide_repair(actor=credit_officer("sw_credit", "SW"), repair_id=repair.pk, approve=True)
    services.decide_repair(actor=officer, repair_id=repair.pk, approve=True, note="整改到位")
    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED and record.ended_on == today()
    assert CreditRecord.objects.filter(pk=record.pk).exists()  # never deleted
    events = list(CreditHistory.objects.filter(record=record).values_list("event", flat=True))
    assert events == ["record_entered", "repair_requested", "repair_approved"]
    assert credit_status_of("org", firm.id_index, today()) == "normal"
    assert subject_facts(record.subject, today())["penalties_12m"] == 0


def test_a_repair_decisions_note_reaches_the_history_whole_and_an_over_long_one_is_refused(db):
    """Before, the history kept ``decision_note[:500]`` of a note the API let reach 2,000."""
    _user, firm = company("firm", "91330100MA2B3C4D5", "某公司")
    record = penalty(firm, days_ago=200)
    officer = credit_officer("scjg_credit", "SCJG")
    repair = services.request_repair(actor=None, subject=record.subject, statement="已整改", record_id=record.pk)
    with pytest.raises(InvalidInput) as refused:
        services.decide_repair(actor=officer, repair_id=repair.pk, approve=False, note="理" * (services.NOTE_CHARS + 1))
    assert refused.value.code == "text_too_long" and refused.value.details["field"] == "note"
    assert RepairRequest.objects.get(pk=repair.pk).status == "pending"
    note = "理" * (services.NOTE_CHARS - 2) + "\r\n由"
    services.decide_repair(actor=officer, repair_id=repair.pk, approve=False, note=note)
    whole = "理" * (services.NOTE_CHARS - 2) + "\n由"
    assert CreditHistory.objects.get(record=record, event="repair_refused").note == whole
    assert RepairRequest.objects.get(pk=repair.pk).decision_note == whole


def test_a_commitment_checks_note_reaches_the_history_whole_and_an_over_long_one_is_refused(db):
    """Before, the history kept ``f"{status} {note}"[:500]`` of a note the API let reach 2,000."""
    _user, firm = company("firm", "91330100MA2B3C4D5", "某公司")
    officer = credit_officer("scjg_credit", "SCJG")
    promise = services.add_record(actor=officer, subject_kind="org", subject_number=firm.id_number, subject_name=firm.name,
                                  department=factories.department("SCJG"),
                                  data=record_input(kind="commitment", title="告知承诺", decision_no="诺1"))
    with pytest.raises(InvalidInput) as refused:
        services.check_commitment(actor=officer, record_id=promise.pk, kept=False, note="核" * (services.NOTE_CHARS + 1))
    assert refused.value.code == "text_too_long" and refused.value.details["field"] == "note"
    assert CreditRecord.objects.get(pk=promise.pk).commitment_status == "pending"
    services.check_commitment(actor=officer, record_id=promise.pk, kept=False, note="核" * services.NOTE_CHARS)
    assert CreditHistory.objects.get(record=promise, event="commitment_checked").note == "broken " + "核" * services.NOTE_CHARS


def test_a_serious_entry_within_its_minimum_period_is_not_repairable(db):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某公司")
    serious = penalty(firm, days_ago=100, severity="serious")
    with pytest.raises(InvalidInput) as refused:
        services.request_repair(actor=None, subject=serious.subject, statement="请求修复", record_id=serious.pk)
    assert refused.value.code == "credit_not_repairable" and "最短公示期" in refused.value.message
    entry = list_entry(firm, "black", severity="serious")
    with pytest.raises(InvalidInput) as refused:
        services.request_repair(actor=None, subject=serious.subject, statement="请求修复", list_entry_id=entry.pk)
    assert "最短期限" in refused.value.message
    # a general penalty three months old may be repaired
    general = penalty(firm, days_ago=100, number="罚〔2026〕2号")
    assert services.request_repair(actor=None, subject=general.subject, statement="已整改", record_id=general.pk)


def test_a_court_enforcement_record_is_not_repaired_here(db):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某公司")
    record = services.add_record(
        actor=None, check_permission=False, subject_kind="org", subject_number=firm.id_number, subject_name=firm.name,
        department=factories.department("FY"), data=record_input(kind="enforcement", decided_on=today() - dt.timedelta(days=400)))
    with pytest.raises(InvalidInput) as refused:
        services.request_repair(actor=None, subject=record.subject, statement="x", record_id=record.pk)
    assert "人民法院" in refused.value.message



def test_a_record_of_a_decision_dated_in_the_future_is_refused(db):
    officer = credit_officer("scjg_credit", "SCJG")
    for ahead in (1, 3):  # tomorrow too: a decision is entered once it has been made
        with pytest.raises(InvalidInput) as refused:
            services.add_record(actor=officer, subject_kind="org", subject_number=factories.uscc("91330100MA2B3C4D5"),
                                subject_name="某公司", department=factories.department("SCJG"),
                                data=record_input(decided_on=today() + dt.timedelta(days=ahead)))
        assert "晚于今天" in refused.value.message
    assert not CreditRecord.objects.exists()


def test_a_decision_of_the_countys_today_is_entered_from_its_midnight(db, monkeypatch):
    """At 00:30 on 1 January in the county it is still 31 December in UTC: a decision dated the
    county's 1 January is entered, one dated 2 January is refused."""
    county_half_past_midnight = dt.datetime(2031, 1, 1, 0, 30, tzinfo=LOCAL_TZ)
    monkeypatch.setattr("django.utils.timezone.now", lambda: county_half_past_midnight.astimezone(dt.UTC))
    officer = credit_officer("scjg_credit", "SCJG")

    def enter(decided_on: dt.date, number: str) -> CreditRecord:
        return services.add_record(actor=officer, subject_kind="org", subject_number=factories.uscc("91330100MA2B3C4D5"),
                                   subject_name="某公司", department=factories.department("SCJG"),
                                   data=record_input(decided_on=decided_on, decision_no=number))

    record = enter(dt.date(2031, 1, 1), "罚〔2031〕1号")
    assert (record.decided_on, record.published_on) == (dt.date(2031, 1, 1), dt.date(2031, 1, 1))
    with pytest.raises(InvalidInput) as refused:
        enter(dt.date(2031, 1, 2), "罚〔2031〕2号")
    assert "晚于今天" in refused.value.message and CreditRecord.objects.count() == 1


def test_a_list_entry_starting_beyond_a_year_from_now_is_refused(db):
    _user, firm = company("firm", "91330100MA2B3C4D5", "某公司")
    with pytest.raises(InvalidInput) as refused:
        list_entry(firm, "black", starts_on=dt.date(9999, 12, 31))
    assert refused.value.code == "credit_invalid_period" and not ListEntry.objects.exists()


def test_a_decision_enters_its_record_with_history_and_audit_in_the_decisions_transaction(
        db, django_assert_num_queries):
    _u, firm = company("firm", "91330100MA2B3C4D5", "新许可公司")
    department = factories.department("SCJG")
    at = dt.datetime.now(dt.UTC)
    services.publish_due(at.date())  # the working-day calendar, read once per process
    with transaction.atomic():  # the decision's transaction
        # the idempotency read, the subject's find-and-bump (``ensure_subject``: none on file), its
        # creation (one INSERT … ON CONFLICT: a concurrent creation is taken and its facts version
        # bumped, no savepoint), the record and its history (one statement on PostgreSQL:
        # core.statements), its audit row (written at once: no action's batch is open here), the
        # subject's facts summary kept (one statement); no savepoint of its own around them
        with django_assert_num_queries(7 if connection.vendor == "sqlite" else 6):
            record = services.record_from_decision(applicant=firm, department=department, kind="licence", title="许可",
                                                   basis="依据", decided_at=at, reference="case:7")
    assert CreditHistory.objects.filter(record=record, event="record_entered").count() == 1
    audit = AuditEvent.objects.get(event_type="credit_record_entered", subject_id=str(record.pk))
    assert audit.details["source"] == "decision" and audit.details["source_ref"] == "case:7"
    # a subject already on file: the idempotency read, the subject found and its facts version
    # bumped (one statement), the record and its history (one statement on PostgreSQL), its audit row,
    # the summary kept
    with transaction.atomic(), django_assert_num_queries(6 if connection.vendor == "sqlite" else 5):
        services.record_from_decision(applicant=firm, department=department, kind="licence", title="许可二",
                                      basis="依据", decided_at=at, reference="case:8")
    # a failure inside fails the decision's transaction, which the caller rolls back whole
    with pytest.raises(InvalidInput), transaction.atomic():
        services.record_from_decision(applicant=firm, department=department, kind="honour", title="x", basis="y",
                                      decided_at=at, reference="case:9")
    assert CreditRecord.objects.filter(source_ref__in=["case:7", "case:8"]).count() == 2


def test_a_decision_entered_again_finds_its_entry_even_on_another_subject_and_adds_nothing(db):
    # given a decision entered for a firm, whose credit code was corrected afterwards (the entry is
    # on the subject of the old code)
    _u, firm = company("firm", "91330100MA2B3C4D5", "新许可公司")
    department = factories.department("SCJG")
    at = dt.datetime.now(dt.UTC)
    first = services.record_from_decision(applicant=firm, department=department, kind="licence", title="许可",
                                          basis="依据", decided_at=at, reference="case:70")
    firm.id_number = factories.uscc("91330100MA2B3C4D6")
    firm.save()
    # when the same decision is entered again (a retry)
    again = services.record_from_decision(applicant=firm, department=department, kind="licence", title="许可",
                                          basis="依据", decided_at=at, reference="case:70")
    # then it is the same entry, and nothing was added (no record, no subject, no audit row)
    assert again.pk == first.pk
    assert CreditRecord.objects.filter(source_ref="case:70").count() == 1 and CreditSubject.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="credit_record_entered").count() == 1


def test_a_decision_entered_again_is_found_before_the_applicants_number_is_checked(db, django_assert_num_queries):
    # given a decision entered for a firm, whose number on file no longer passes the check (a record
    # kept from before a stricter check, or mended by hand: one character of the check changed)
    _u, firm = company("firm", "91330100MA2B3C4D5", "新许可公司")
    department = factories.department("SCJG")
    at = dt.datetime.now(dt.UTC)
    first = services.record_from_decision(applicant=firm, department=department, kind="licence", title="许可",
                                          basis="依据", decided_at=at, reference="case:71")
    good = firm.id_number
    type(firm).objects.filter(pk=firm.pk).update(id_number=good[:-1] + ("0" if good[-1] != "0" else "1"))
    firm.refresh_from_db()
    # when the same decision is entered again (a retry), then it is the entry made, found in one statement
    with django_assert_num_queries(1):
        again = services.record_from_decision(applicant=firm, department=department, kind="licence", title="许可",
                                              basis="依据", decided_at=at, reference="case:71")
    assert again.pk == first.pk
    # and a new decision for that number is refused, naming the problem
    with pytest.raises(InvalidInput) as refused:
        services.record_from_decision(applicant=firm, department=department, kind="licence", title="许可",
                                      basis="依据", decided_at=at, reference="case:72")
    assert refused.value.code == "invalid_uscc"


def test_a_subject_created_first_by_a_concurrent_request_is_taken_as_it_is(db):
    # given the subject a concurrent request created between this request's read and its insert
    number, index = services.subject_index("org", factories.uscc("91330100MA2B3C4D5"))
    earlier = services.ensure_subject(kind="org", id_number=number, name="先建的名称", department=None)
    # when this request creates it (the path after its read found nothing)
    subject = services._create_subject(kind="org", number=number, index=index, name="后来的名称", department=None)
    # then it gets the existing subject's id, and the row is unchanged
    assert subject.pk == earlier.pk and CreditSubject.objects.count() == 1
    assert CreditSubject.objects.get().name == "先建的名称"


@pytest.mark.parametrize(("field", "limit"), [("title", 300), ("decision_no", 100)])
def test_a_record_text_over_its_column_is_refused_and_at_it_is_kept_whole(db, field, limit):
    """Before, ``_new_record`` stored ``title[:300]`` and ``decision_no[:100]``: the register said
    less than the decision did, and nobody was told."""
    officer = credit_officer("scjg_credit", "SCJG")
    args = {"actor": officer, "subject_kind": "org", "subject_number": factories.uscc("91330100MA2B3C4D5"),
            "subject_name": "某公司", "department": factories.department("SCJG")}
    with pytest.raises(InvalidInput) as refused:
        services.add_record(**args, data=record_input(**{field: "罚" * (limit + 1)}))
    assert refused.value.code == "text_too_long" and refused.value.details["field"] == field
    assert not CreditRecord.objects.exists()
    record = services.add_record(**args, data=record_input(**{field: "罚" * limit}))
    assert getattr(CreditRecord.objects.get(pk=record.pk), field) == "罚" * limit


def test_a_record_title_with_a_browsers_line_break_is_stored_as_it_was_counted(db):
    """Before, ``check_record`` counted the title with its CR LF as LF (300) but ``_new_record``
    stored it raw (301): PostgreSQL refused the row (a 500), SQLite kept more than the column holds."""
    officer = credit_officer("scjg_credit", "SCJG")
    title = "罚" * 150 + "\r\n" + "款" * 149
    record = services.add_record(actor=officer, subject_kind="org", subject_number=factories.uscc("91330100MA2B3C4D5"),
                                 subject_name="某公司", department=factories.department("SCJG"),
                                 data=record_input(title=title, decision_no=" 罚〔2026〕9号\r\n"))
    stored = CreditRecord.objects.get(pk=record.pk)
    assert stored.title == "罚" * 150 + "\n" + "款" * 149 and len(stored.title) == 300
    assert stored.decision_no == "罚〔2026〕9号"


def test_a_list_entry_reason_over_its_column_is_refused_and_at_it_is_kept_whole(db):
    """Before, ``add_list_entry`` stored ``reason[:300]``."""
    _user, applicant = company("qy", "91330100MA2B3C4D5", "某公司")
    with pytest.raises(InvalidInput) as refused:
        list_entry(applicant, "black", reason="由" * 301)
    assert refused.value.code == "text_too_long" and refused.value.details["field"] == "reason"
    assert not ListEntry.objects.exists() and not AuditEvent.objects.filter(event_type__startswith="credit_list").exists()
    entry = list_entry(applicant, "black", reason="由" * 300)
    assert ListEntry.objects.get(pk=entry.pk).reason == "由" * 300
