"""Rating cases, appeals and window visits through the services: who, when, how often."""

import datetime as dt

import pytest
from django.core import signing

from yiwang.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from yiwang.core.models import AuditEvent
from yiwang.evaluation import selectors, services
from yiwang.evaluation.models import Grade, Rating, Rectification, RectificationStatus
from yiwang.testing import factories


def test_the_applicant_rates_a_closed_case_and_a_bad_rating_opens_a_rectification(place):
    # given the citizen's closed case
    # when they rate it 2 (不满意) online
    rating = services.rate_case(actor=place.world.citizen, number=place.case.number, level=2,
                                indicators={"overall": 2, "efficiency": 1}, comment="等了很久")
    # then it is a 差评 of the item's department, about the clerk who accepted it, with a rectification
    assert rating.grade == Grade.BAD and rating.counted
    assert rating.department_id == place.case.department_id and rating.item_id == place.case.item_id
    assert rating.staff_id == place.world.clerk.pk
    rectification = Rectification.objects.get(rating=rating)
    assert rectification.status == RectificationStatus.OPEN
    assert rectification.due_at > rating.created_at + dt.timedelta(days=15)  # 15 working days: three weeks
    # and the audit record does not name the rater
    event = AuditEvent.objects.get(event_type="rating_created", subject_id=str(rating.pk))
    assert event.actor_id == place.world.citizen.pk and "rater" not in event.details


def test_a_good_rating_opens_no_rectification(place):
    rating = services.rate_case(actor=place.world.citizen, number=place.case.number, level=5)
    assert rating.grade == Grade.GOOD and not Rectification.objects.filter(rating=rating).exists()


@pytest.mark.parametrize("level", [0, 6, -1, "five", None, True, 4.5])
def test_a_level_outside_one_to_five_is_refused(place, level):
    with pytest.raises(InvalidInput) as err:
        services.rate_case(actor=place.world.citizen, number=place.case.number, level=level)
    assert err.value.code == "level_invalid" and "1 到 5" in err.value.message
    assert not Rating.objects.exists()


def test_a_case_not_closed_cannot_be_rated(place):
    with pytest.raises(Conflict) as err:
        services.rate_case(actor=place.world.citizen, number=place.open_case.number, level=5)
    assert err.value.code == "not_closed" and "尚未办结" in err.value.message


def test_someone_elses_case_cannot_be_rated_nor_by_the_clerk_or_department(place):
    stranger, _applicant = factories.citizen("stranger", first17="11010119850101123", name="李四")
    for actor in (stranger, place.world.clerk, place.world.decider):
        with pytest.raises(Forbidden) as err:
            services.rate_case(actor=actor, number=place.case.number, level=1)
        assert err.value.code == "not_your_case"
    assert not Rating.objects.exists()


def test_an_unknown_case_is_404(place):
    with pytest.raises(NotFound):
        services.rate_case(actor=place.world.citizen, number="YW-NOPE", level=5)


def test_one_rating_per_case_and_channel_but_another_channel_is_allowed(place):
    services.rate_case(actor=place.world.citizen, number=place.case.number, level=5, channel="online")
    with pytest.raises(Conflict) as err:
        services.rate_case(actor=place.world.citizen, number=place.case.number, level=1, channel="online")
    assert err.value.code == "already_rated"
    services.rate_case(actor=place.world.citizen, number=place.case.number, level=4, channel="api")
    assert Rating.objects.count() == 2


def test_indicators_must_be_known_and_one_to_five(place):
    for indicators in ({"attitude": 5}, {"overall": 9}, {"overall": "5"}, ["overall"]):
        with pytest.raises(InvalidInput) as err:
            services.rate_case(actor=place.world.citizen, number=place.case.number, level=5, indicators=indicators)
        assert err.value.code == "indicators_invalid"


def test_channels_of_the_window_are_not_for_a_case(place):
    with pytest.raises(InvalidInput) as err:
        services.rate_case(actor=place.world.citizen, number=place.case.number, level=5, channel="tablet")
    assert err.value.code == "channel_invalid"


def test_one_follow_up_takes_the_place_of_the_original_in_the_statistics(place):
    # given a 差评
    first = services.rate_case(actor=place.world.citizen, number=place.case.number, level=1)
    # when the citizen adds a 追评 after the department's answer
    second = services.follow_up_rating(actor=place.world.citizen, rating_id=first.pk, level=4, comment="已解决")
    first.refresh_from_db()
    # then the follow-up counts and the original does not; the rectification stays the original's
    assert second.follow_up_of_id == first.pk and second.counted and not first.counted
    assert Rectification.objects.filter(rating=first).count() == 1 and not Rectification.objects.filter(rating=second)
    figures = selectors.statistics(by="department")[0]
    assert (figures.ratings, figures.good, figures.bad) == (1, 1, 0)
    # and a second follow-up, or a follow-up of the follow-up, is refused
    for rating_id in (first.pk, second.pk):
        with pytest.raises(Conflict) as err:
            services.follow_up_rating(actor=place.world.citizen, rating_id=rating_id, level=5)
        assert err.value.code == "follow_up_taken"


def test_only_the_rater_may_follow_up(place):
    first = services.rate_case(actor=place.world.citizen, number=place.case.number, level=1)
    with pytest.raises(NotFound):
        services.follow_up_rating(actor=place.world.clerk, rating_id=first.pk, level=5)


def test_a_reporter_rates_a_closed_appeal_once_per_channel(place):
    rating = services.rate_appeal(actor=place.world.citizen, number=place.appeal.number, level=3)
    assert rating.grade == Grade.MEDIUM and rating.department.code == "JT" and rating.staff_id == place.jt_staff.pk
    with pytest.raises(Conflict) as err:
        services.rate_appeal(actor=place.world.citizen, number=place.appeal.number, level=3)
    assert err.value.code == "already_rated"


def test_an_appeal_not_closed_cannot_be_rated(place):
    with pytest.raises(Conflict) as err:
        services.rate_appeal(actor=place.world.citizen, number=place.open_appeal.number, level=5)
    assert err.value.code == "not_closed"


def test_only_a_reporter_rates_an_appeal(place):
    with pytest.raises(Forbidden) as err:
        services.rate_appeal(actor=place.jt_staff, number=place.appeal.number, level=5)
    assert err.value.code == "not_your_appeal"


def test_a_window_visit_is_rated_once_through_its_token_without_signing_in(place):
    # given the clerk opens a visit for the person in front of the window
    visit = services.open_visit(actor=place.world.clerk, window="3号窗口", case_number=place.case.number)
    token = services.visit_token(visit)
    # when the person rates it on the tablet
    rating = services.rate_visit(token=token, level=5, indicators={"attitude": 5, "competence": 4})
    # then the rating is the window's and the clerk's, anonymous
    assert (rating.window, rating.staff_id, rating.rater_id) == ("3号窗口", place.world.clerk.pk, None)
    assert rating.case_id == place.case.pk and rating.item_id == place.case.item_id
    assert rating.channel == "tablet"  # the tablet's link
    # and the visit's QR code cannot rate the same visit again
    with pytest.raises(Conflict) as err:
        services.rate_visit(token=services.visit_token(visit, "q"), level=1)
    assert err.value.code == "already_rated"


def test_each_visit_link_rates_on_the_channel_signed_into_it_and_an_edited_channel_is_refused(place):
    # given a visit's two links: the tablet's ("t…") and the visit QR's ("q…")
    tablet_visit = services.open_visit(actor=place.world.clerk, window="3号窗口")
    qr_visit = services.open_visit(actor=place.world.clerk, window="3号窗口")
    tablet, qr = services.visit_token(tablet_visit, "t"), services.visit_token(qr_visit, "q")
    # when the tablet's link is edited to name the QR channel (and the QR's to name the tablet)
    for edited in ("q" + tablet[1:], "t" + qr[1:]):
        with pytest.raises(NotFound) as err:
            services.rate_visit(token=edited, level=5)
        assert err.value.code == "token_invalid"
    assert not Rating.objects.exists()
    # then each link rates on its own channel, whatever the page it was opened on was told
    assert services.rate_visit(token=tablet, level=5).channel == "tablet"
    assert services.rate_visit(token=qr, level=4).channel == "qr"
    # and a token signed for cases (another salt) names no visit, even with a visit's place and id
    with pytest.raises(NotFound):
        services.read_visit_token(services._link_token(services.CASE_SALT, "t", tablet_visit.pk))


def test_a_forged_or_expired_visit_token_is_refused(place):
    visit = services.open_visit(actor=place.world.clerk, window="3号窗口")
    forged = signing.dumps({"v": visit.pk}, salt="another-salt")
    legacy = signing.dumps({"v": visit.pk}, salt=services.VISIT_SALT, compress=True)  # the retired form
    for token in (forged, legacy, "", "x" * 5000, services.visit_token(visit)[:-2] + "zz"):
        with pytest.raises(NotFound) as err:
            services.rate_visit(token=token, level=5)
        assert err.value.code == "token_invalid"
    with pytest.raises(Conflict) as err:
        services.rate_visit(token=services.visit_token(visit), level=5, now=visit.expires_at + dt.timedelta(seconds=1))
    assert err.value.code == "token_expired"
    assert not Rating.objects.exists()


def test_only_a_clerk_opens_a_visit(place):
    with pytest.raises(Forbidden):
        services.open_visit(actor=place.world.decider, window="3号窗口")
    with pytest.raises(InvalidInput):
        services.open_visit(actor=place.world.clerk, window="  ")
