"""差评 → 整改 → 回访 → published outcome; 申诉复核 voids a rating; the statistics follow."""

import pytest

from yiwang.core.errors import Conflict, Forbidden, InvalidInput
from yiwang.evaluation import selectors, services
from yiwang.evaluation.models import Rating, Rectification, RectificationStatus, ReviewStatus


@pytest.fixture
def bad(place):
    return services.rate_case(actor=place.world.citizen, number=place.case.number, level=1, comment="态度很差")


def test_a_rectification_cannot_be_closed_without_a_reply(place, bad):
    rectification = bad.rectification
    with pytest.raises(Conflict) as err:
        services.close_rectification(actor=place.world.head, rectification_id=rectification.pk)
    assert err.value.code == "reply_required" and "答复" in err.value.message
    with pytest.raises(InvalidInput) as err:
        services.reply_rectification(actor=place.world.head, rectification_id=rectification.pk, reply="   ")
    assert err.value.code == "reply_required"
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.OPEN


def test_reply_callback_close_publishes_the_outcome_and_counts_in_the_rates(place, bad):
    rectification = bad.rectification
    # when the department replies, a supervisor calls back and the department closes
    services.reply_rectification(actor=place.world.head, rectification_id=rectification.pk,
                                 reply="已对窗口人员批评教育，并优化了叫号流程。")
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.REPLIED and rectification.callback_due_at is not None
    figures = selectors.statistics(by="department")[0]
    assert (figures.rectification_rate, figures.callback_rate) == (0, 0)
    services.record_rectification_callback(actor=place.world.supervisor, rectification_id=rectification.pk,
                                           result="satisfied", note="群众表示满意")
    services.close_rectification(actor=place.world.head, rectification_id=rectification.pk)
    rectification.refresh_from_db()
    # then it is closed with the reply published, and the rates say so
    assert rectification.status == RectificationStatus.CLOSED
    assert rectification.published_outcome == "已对窗口人员批评教育，并优化了叫号流程。"
    figures = selectors.statistics(by="department")[0]
    assert (figures.bad_rate, figures.rectification_rate, figures.callback_rate) == (100, 100, 100)
    assert selectors.item_figures(place.case.item_id)["published"][0]["published_outcome"].startswith("已对窗口")


def test_only_the_rated_department_replies_and_only_a_supervisor_calls_back(place, bad):
    with pytest.raises(Forbidden):
        services.reply_rectification(actor=place.jt_staff, rectification_id=bad.rectification.pk, reply="不是我们")
    with pytest.raises(Forbidden):
        services.record_rectification_callback(actor=place.world.head, rectification_id=bad.rectification.pk,
                                               result="satisfied")
    with pytest.raises(Conflict):  # no 回访 before the reply
        services.record_rectification_callback(actor=place.world.supervisor, rectification_id=bad.rectification.pk,
                                               result="satisfied")


def test_an_upheld_review_voids_the_rating_it_leaves_the_statistics(place, bad):
    services.rate_appeal(actor=place.world.citizen, number=place.appeal.number, level=5)
    assert selectors.statistics(by="department", department_ids=[bad.department_id])[0].ratings == 1
    # when the department asks to void the 差评 and a supervisor upholds it
    review = services.request_review(actor=place.world.head, rating_id=bad.pk, reason_kind="mistaken",
                                     reason="评价人所述窗口并非本部门窗口")
    with pytest.raises(Conflict):  # one pending review at a time
        services.request_review(actor=place.world.head, rating_id=bad.pk, reason_kind="malicious", reason="再次")
    services.decide_review(actor=place.world.supervisor, review_id=review.pk, uphold=True, decision="经核实，评价对象有误")
    bad.refresh_from_db()
    review.refresh_from_db()
    # then the rating is voided, out of the statistics, its rectification cancelled, both steps recorded
    assert bad.voided_at is not None and not bad.counted
    assert Rectification.objects.get(rating=bad).status == RectificationStatus.CANCELLED
    assert review.status == ReviewStatus.UPHELD and review.decided_by == place.world.supervisor
    figures = selectors.statistics(by="department", department_ids=[bad.department_id])[0]
    assert (figures.ratings, figures.voided, figures.satisfaction, figures.rectification_rate) == (0, 1, None, None)


def test_a_rejected_review_keeps_the_rating(place, bad):
    review = services.request_review(actor=place.world.head, rating_id=bad.pk, reason_kind="malicious", reason="恶意")
    services.decide_review(actor=place.world.supervisor, review_id=review.pk, uphold=False, decision="证据不足")
    bad.refresh_from_db()
    assert bad.counted and bad.voided_at is None
    with pytest.raises(Conflict):
        services.decide_review(actor=place.world.supervisor, review_id=review.pk, uphold=True, decision="改判")


def test_the_department_cannot_decide_its_own_review_nor_review_others_ratings(place, bad):
    review = services.request_review(actor=place.world.head, rating_id=bad.pk, reason_kind="malicious", reason="恶意")
    with pytest.raises(Forbidden):
        services.decide_review(actor=place.world.head, review_id=review.pk, uphold=True, decision="自己批准")
    with pytest.raises(Forbidden):
        services.request_review(actor=place.jt_staff, rating_id=bad.pk, reason_kind="malicious", reason="x")
    with pytest.raises(InvalidInput):
        services.request_review(actor=place.world.head, rating_id=bad.pk, reason_kind="whatever", reason="x")


def test_voiding_a_follow_up_gives_the_statistics_back_to_the_original(place, bad):
    follow = services.follow_up_rating(actor=place.world.citizen, rating_id=bad.pk, level=5)
    review = services.request_review(actor=place.world.head, rating_id=follow.pk, reason_kind="mistaken", reason="误评")
    services.decide_review(actor=place.world.supervisor, review_id=review.pk, uphold=True, decision="成立")
    assert list(Rating.objects.filter(counted=True).values_list("pk", flat=True)) == [bad.pk]


def test_statistics_per_item_window_and_staff(place):
    services.rate_case(actor=place.world.citizen, number=place.case.number, level=5)
    visit = services.open_visit(actor=place.world.clerk, window="3号窗口")
    services.rate_visit(token=services.visit_token(visit), level=2)
    by_window = selectors.statistics(by="window")
    assert [(f.label, f.ratings, f.bad_rate) for f in by_window] == [("3号窗口", 1, 100)]
    by_staff = selectors.statistics(by="staff")
    assert [(f.key, f.ratings, f.satisfaction) for f in by_staff] == [(place.world.clerk.pk, 2, 50)]
    by_item = selectors.statistics(by="item")
    assert [(f.key, f.ratings, f.satisfaction) for f in by_item] == [(place.case.item_id, 1, 100)]
