"""Duplicates: the same place + category + time window across channels is one appeal with several
reports; the merge is shown, reversible, and every reporter is told."""

from __future__ import annotations

import datetime as dt

import pytest

from yiwang.appeals import services
from yiwang.appeals.models import Appeal, AppealChannel, AppealStatus, Urgency
from yiwang.appeals.tests.conftest import CLEAR, NOW, submit
from yiwang.core.errors import Conflict, Forbidden

pytestmark = pytest.mark.django_db
HERE = {"latitude": "30.2000", "longitude": "120.0500", "address": ""}
# about 80 m north-east of HERE
NEAR = {"latitude": "30.2005", "longitude": "120.0506", "address": ""}
# about 1.1 km away
FAR = {"latitude": "30.2100", "longitude": "120.0500", "address": ""}


def test_four_reports_of_one_flooded_underpass_make_one_appeal(county):
    # given a grid worker's report
    first = submit(county.grid, channel=AppealChannel.GRID, **HERE).appeal
    # when three more people report the same, nearby, within hours, through other channels
    second = submit(county.citizen, now=NOW + dt.timedelta(hours=1), **NEAR).appeal
    third = submit(county.agent, channel=AppealChannel.HOTLINE, now=NOW + dt.timedelta(hours=3), **HERE).appeal
    fourth = submit(None, channel=AppealChannel.PORTAL, now=NOW + dt.timedelta(hours=5),
                    urgency=Urgency.NORMAL, **NEAR).appeal
    # then there is one open appeal with four reports
    first.refresh_from_db()
    assert first.status == AppealStatus.HANDLING and first.reports.count() == 4
    for dup in (second, third, fourth):
        dup.refresh_from_db()
        assert dup.status == AppealStatus.MERGED and dup.merged_into == first and dup.merged_automatically
    # and every merged reporter was told, in words that name the appeal
    for report in first.reports.exclude(original_appeal=first):
        assert report.notices.get().kind == "appeal_merged"
        assert first.number in report.notices.get().rendered()


def test_far_away_other_category_or_outside_the_window_is_not_merged(county):
    first = submit(county.citizen, **HERE).appeal
    assert submit(county.citizen, **FAR).appeal.status != AppealStatus.MERGED
    later = NOW + dt.timedelta(hours=49)
    assert submit(county.citizen, now=later, **HERE).appeal.status != AppealStatus.MERGED
    other = submit(county.citizen, title="A市化工厂排放污水河水发黑", body="化工厂排放污水河水发黑，臭味熏人", **HERE).appeal
    assert other.status != AppealStatus.MERGED and other.category == "环境保护"
    first.refresh_from_db()
    assert first.reports.count() == 1


def test_a_closed_appeal_is_not_a_merge_target(county):
    first = submit(county.citizen, **HERE).appeal
    services.close_appeal(actor=county.jt, number=first.number, reply="已处理", now=NOW)
    assert submit(county.citizen, now=NOW + dt.timedelta(hours=1), **HERE).appeal.status != AppealStatus.MERGED


def test_without_points_the_same_address_merges(county):
    first = submit(county.citizen, address="城关镇 人民路 1号").appeal
    second = submit(county.citizen, address="城关镇人民路1号").appeal
    second.refresh_from_db()
    assert second.merged_into == first


def test_a_more_urgent_repeat_makes_the_appeal_more_urgent(county):
    first = submit(county.citizen, **HERE).appeal
    submit(county.agent, channel=AppealChannel.HOTLINE, urgency=Urgency.EMERGENCY, **NEAR)
    first.refresh_from_db()
    assert first.urgency == Urgency.EMERGENCY and first.due_at == NOW + dt.timedelta(hours=2)


def test_a_merge_is_reversible_and_the_reporters_are_told(county):
    first = submit(county.citizen, **HERE).appeal
    second = submit(county.agent, channel=AppealChannel.HOTLINE, **NEAR).appeal
    # when the dispatcher undoes it
    services.unmerge_appeal(actor=county.dispatcher, number=second.number)
    second.refresh_from_db()
    first.refresh_from_db()
    # then each has its own report again, and the separated reporter is told
    assert second.status == AppealStatus.TRIAGE and second.merged_into is None
    assert first.reports.count() == 1 and second.reports.count() == 1
    assert [n.kind for n in second.reports.get().notices.all()] == ["appeal_merged", "appeal_unmerged"]
    with pytest.raises(Conflict):
        services.unmerge_appeal(actor=county.dispatcher, number=second.number)
    with pytest.raises(Forbidden):
        services.unmerge_appeal(actor=county.jt, number=first.number)


def test_a_dispatcher_merges_by_hand(county):
    first = submit(county.citizen, **HERE).appeal
    other = submit(county.citizen, **FAR).appeal
    services.merge_appeals(actor=county.dispatcher, number=other.number, into=first.number)
    other.refresh_from_db()
    assert other.status == AppealStatus.MERGED and not other.merged_automatically
    assert Appeal.objects.get(pk=first.pk).reports.count() == 2
    with pytest.raises(Conflict):  # a merged appeal cannot be merged again
        services.merge_appeals(actor=county.dispatcher, number=other.number, into=first.number)
    assert CLEAR in first.title


def test_the_merge_is_shown_and_undone_on_the_appeal_page(county):
    from django.test import Client

    first = submit(county.citizen, **HERE).appeal
    second = submit(county.agent, channel=AppealChannel.HOTLINE, **NEAR).appeal
    c = Client()
    c.force_login(county.dispatcher)
    assert second.number in c.get(f"/work/appeals/{first.number}/").content.decode()
    page = c.get(f"/work/appeals/{second.number}/").content.decode()
    assert 'id="merged-into"' in page and 'id="unmerge-form"' in page
    c.post(f"/work/appeals/{second.number}/", {"action": "unmerge"})
    assert Appeal.objects.get(pk=second.pk).status == AppealStatus.TRIAGE
    response = c.post(f"/work/appeals/{second.number}/", {"action": "merge", "into": second.number})
    assert response.status_code == 422
