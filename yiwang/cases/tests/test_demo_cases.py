"""The demo's historical cases look like a county's: entered and handled in office hours on
working days, with forms filled with realistic values (no "（演示）" placeholders)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from yiwang.cases.demo import in_office_hours, office_time, seed_cases
from yiwang.cases.demo_values import demo_text_value
from yiwang.cases.models import Case, CaseStep, Channel, CorrectionNotice
from yiwang.catalog.demo import seed_catalog
from yiwang.core.calendar import invalidate_calendar_cache
from yiwang.core.demo import seed_core
from yiwang.core.ids import is_valid_citizen_id, is_valid_uscc

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
COUNT = 30


@pytest.fixture(scope="module")
def demo_cases(django_db_setup, django_db_blocker):
    """Seeded once for the module in a transaction rolled back at the end (as test_demo_seed)."""
    with django_db_blocker.unblock(), transaction.atomic(), \
            override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        seed_core()
        seed_catalog()
        invalidate_calendar_cache()
        # seeded at 23:40 on a Sunday: "now" itself is outside office hours
        now = dt.datetime(2026, 11, 29, 23, 40, tzinfo=SHANGHAI)
        assert seed_cases(count=COUNT, now=now) == COUNT
        yield now
        transaction.set_rollback(True)
    invalidate_calendar_cache()


def test_seeded_window_cases_are_entered_and_handled_in_office_hours(demo_cases):
    now = demo_cases
    cases = list(Case.objects.filter(channel=Channel.WINDOW, idempotency_key__startswith="demo-"))
    assert len(cases) == COUNT
    moments = []
    for case in cases:
        moments += [("submitted", case.number, case.submitted_at)]
        moments += [(name, case.number, getattr(case, name)) for name in ("accepted_at", "decided_at", "closed_at",
                                                                          "delivered_at") if getattr(case, name)]
    moments += [("step", s.case.number, s.completed_at) for s in CaseStep.objects.select_related("case")
                .filter(completed_at__isnull=False)]
    moments += [("correction", c.case.number, c.requested_at) for c in CorrectionNotice.objects.select_related("case")]
    assert len(moments) > 2 * COUNT
    outside = [(what, n, timezone.localtime(t).isoformat()) for what, n, t in moments if not in_office_hours(t)]
    assert not outside, outside[:10]
    assert all(t < now for _w, _n, t in moments)


def test_seeded_forms_carry_realistic_values(demo_cases):
    texts = 0
    for case in Case.objects.filter(idempotency_key__startswith="demo-").select_related("item"):
        for field in case.item.form_schema or []:
            value = case.form_data.get(field["name"])
            if field.get("type", "text") not in ("text", "textarea") or value in (None, ""):
                continue
            texts += 1
            assert "演示" not in value and field.get("label", "") not in value, (case.item.name, field, value)
    assert texts > COUNT


def test_every_text_field_of_the_catalogue_gets_a_value_of_its_kind():
    # every text field the demo catalogue declares (read from its source, no database needed)
    import random

    from yiwang.catalog.demo import parse_field
    from yiwang.catalog.demo_items import ITEMS

    rng = random.Random(7)
    fields = [parse_field(spec) for row in ITEMS for spec in row["form"]]
    text_fields = [f for f in fields if f.get("type", "text") in ("text", "textarea")]
    assert len(text_fields) > 200
    for field in text_fields:
        value = demo_text_value(field, rng)
        label = field.get("label", "")
        assert value and "演示" not in value and value != label, field
        if "身份号码" in label or "身份证号" in label:
            assert is_valid_citizen_id(value), (field, value)
        if "统一社会信用代码" in label:
            assert is_valid_uscc(value), (field, value)


def test_office_time_moves_a_night_to_the_next_opening_and_stays_before_the_limit():
    invalidate_calendar_cache()
    before = dt.datetime(2030, 1, 1, tzinfo=SHANGHAI)
    saturday_night = dt.datetime(2025, 3, 8, 2, 30, tzinfo=SHANGHAI)
    moved = timezone.localtime(office_time(saturday_night, after=None, before=before))
    assert moved.date() == dt.date(2025, 3, 10) and dt.time(9) <= moved.time() < dt.time(12)
    # a limit at night on a Sunday: the last opening before it (Friday afternoon)
    sunday_night = dt.datetime(2025, 3, 9, 23, 0, tzinfo=SHANGHAI)
    kept = timezone.localtime(office_time(sunday_night - dt.timedelta(hours=2), after=None, before=sunday_night))
    assert kept.date() == dt.date(2025, 3, 7) and dt.time(13, 30) <= kept.time() < dt.time(17, 30)
    # never before the previous event
    friday = dt.datetime(2025, 3, 7, 17, 20, tzinfo=SHANGHAI)
    assert office_time(sunday_night - dt.timedelta(hours=2), after=friday, before=sunday_night) >= friday
