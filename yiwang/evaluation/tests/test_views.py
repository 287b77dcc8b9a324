"""The pages: a person rates from 我的评价, the tablet rates a visit without signing in, staff act."""

import re

import pytest
from django.test import Client

from yiwang.evaluation import services
from yiwang.evaluation.models import Rating, Rectification, RectificationStatus
from yiwang.testing import factories


def client_for(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_the_citizen_rates_a_closed_case_from_my_ratings(place):
    c = client_for(place.world.citizen)
    page = c.get("/evaluation/")
    assert page.status_code == 200 and place.case.number in page.content.decode()
    assert place.open_case.number not in page.content.decode()
    url = f"/evaluation/cases/{place.case.number}/"
    response = c.post(url, {"level": "2", "ind_overall": "2", "comment": "材料清单不清楚"})
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.level, rating.indicators, rating.channel) == (2, {"overall": 2}, "online")
    # a second online rating is refused with a message; the follow-up form is offered instead
    again = c.post(url, {"level": "5"})
    assert again.status_code == 409 and "只能评价一次" in again.content.decode()
    page = c.get(url).content.decode()
    assert 'id="follow-up-form"' in page and 'id="rating-form"' not in page


def test_bad_level_on_the_page_is_a_422_with_the_form_kept(place):
    c = client_for(place.world.citizen)
    response = c.post(f"/evaluation/cases/{place.case.number}/", {"level": "6", "comment": "保留我"})
    assert response.status_code == 422 and "1 到 5" in response.content.decode()
    assert "保留我" in response.content.decode()
    for hostile in ({"level": "²"}, {"level": "5", "ind_overall": "²"}, {"level": "5", "ind_<script>": "5"},
                    {"level": "5", "follow_up": "²"}):
        assert 400 <= c.post(f"/evaluation/cases/{place.case.number}/", hostile).status_code < 500


def test_someone_elses_case_page_is_404_and_an_open_case_says_not_closed(place):
    stranger, _applicant = factories.citizen("stranger", first17="11010119850101123", name="李四")
    assert client_for(stranger).get(f"/evaluation/cases/{place.case.number}/").status_code == 404
    page = client_for(place.world.citizen).get(f"/evaluation/cases/{place.open_case.number}/")
    assert page.status_code == 200 and 'id="not-closed"' in page.content.decode()
    response = client_for(place.world.citizen).post(f"/evaluation/cases/{place.open_case.number}/", {"level": "5"})
    assert response.status_code == 409


def test_the_tablet_rates_a_visit_once_without_signing_in(place):
    clerk = client_for(place.world.clerk)
    opened = clerk.post("/evaluation/window/", {"window": "3号窗口", "case_number": place.case.number})
    assert opened.status_code == 200
    body = opened.content.decode()
    link = re.search(r'id="tablet-link" href="[^"]*(/v/t[^"/]+)"', body).group(1)
    qr_image = re.search(r'<img class="qr" src="(/v/q[^"/]+/qr.png)"', body).group(1)
    qr = clerk.get(qr_image)
    assert qr.status_code == 200 and qr["Content-Type"] == "image/png"
    assert clerk.get(link + "/qr.png").status_code == 404  # the image is made of the QR link's token only
    tablet = client_for()
    assert tablet.get(link).status_code == 200
    done = tablet.post(link, {"level": "5", "ind_attitude": "5"})
    assert done.status_code == 200 and 'id="visit-done"' in done.content.decode()
    assert Rating.objects.get().window == "3号窗口"
    # the visit's QR code, later: already rated, nothing more is recorded
    again = client_for().post(qr_image.removesuffix("/qr.png"), {"level": "1"})
    assert 'id="visit-done"' in again.content.decode() and Rating.objects.count() == 1


def test_a_via_parameter_cannot_move_a_visits_rating_to_another_channel(place):
    # given the tablet's link of a visit
    visit = services.open_visit(actor=place.world.clerk, window="3号窗口", case_number=place.case.number)
    link = f"/v/{services.visit_token(visit, 't')}"
    # when it is opened as the receipt QR's once was told apart, with ?via=qr
    response = client_for().post(link + "?via=qr", {"level": "1"})
    # then the rating is the tablet's: only the signed token names the channel
    assert response.status_code == 200 and 'id="visit-done"' in response.content.decode()
    assert Rating.objects.get(visit=visit).channel == "tablet"


def test_an_old_form_visit_link_is_refused_with_what_to_do_and_rates_nothing(place):
    """The retired ``/evaluation/v/<Django-signed token>/?via=…`` links carried an unsigned channel:
    every method (and their QR image) gets 410 with a message, and nothing is rated."""
    from django.core import signing

    visit = services.open_visit(actor=place.world.clerk, window="3号窗口")
    legacy = signing.dumps({"v": visit.pk}, salt=services.VISIT_SALT, compress=True)
    for via in ("", "?via=qr"):
        response = client_for().post(f"/evaluation/v/{legacy}/{via}", {"level": "5"})
        assert response.status_code == 410
        assert "旧版窗口评价链接" in response.content.decode()
    assert client_for().get(f"/evaluation/v/{legacy}/").status_code == 410
    assert client_for().get(f"/evaluation/v/{legacy}/qr.png").status_code == 410
    assert client_for().post(f"/v/{legacy}", {"level": "5"}).status_code == 404
    assert not Rating.objects.exists()


def test_a_forged_visit_link_is_404(place):
    assert client_for().get("/v/not-a-token").status_code == 404
    assert client_for().get("/v/not-a-token/qr.png").status_code == 404


def test_staff_page_is_for_staff_and_a_close_without_reply_is_409(place):
    rating = services.rate_case(actor=place.world.citizen, number=place.case.number, level=1, comment="很差")
    rectification = Rectification.objects.get(rating=rating)
    assert client_for(place.world.citizen).get("/evaluation/staff/").status_code == 403
    assert client_for().get("/evaluation/staff/").status_code == 302
    head = client_for(place.world.head)
    page = head.get("/evaluation/staff/")
    assert page.status_code == 200 and f'id="rect-{rectification.pk}"' in page.content.decode()
    refused = head.post("/evaluation/staff/", {"action": "close", "id": rectification.pk})
    assert refused.status_code == 409 and "尚未答复" in refused.content.decode()
    assert head.post("/evaluation/staff/", {"action": "reply", "id": rectification.pk, "reply": "已整改"}).status_code == 302
    assert head.post("/evaluation/staff/", {"action": "close", "id": rectification.pk}).status_code == 302
    assert Rectification.objects.get().status == RectificationStatus.CLOSED
    # the outcome is published on the item's public guide page
    guide = client_for().get(f"/items/{place.case.item.code}/")
    assert guide.status_code == 200 and 'id="item-evaluation"' in guide.content.decode()
    assert "已整改" in guide.content.decode()


def test_staff_page_hides_the_rater_and_per_staff_figures_from_clerks(place):
    services.rate_case(actor=place.world.citizen, number=place.case.number, level=1, comment="很差")
    page = client_for(place.world.head).get("/evaluation/staff/?by=staff").content.decode()
    assert place.world.citizen.username not in page and place.world.applicant.name not in page
    clerk_page = client_for(place.world.decider).get("/evaluation/staff/?by=staff").content.decode()
    assert 'href="?by=staff"' not in clerk_page and '<th scope="row">clerk</th>' not in clerk_page
    assert 'href="?by=staff"' in page and '<th scope="row">clerk</th>' in page


@pytest.mark.parametrize("action", ["", "nonsense", "reply"])
def test_staff_actions_with_bad_input_are_4xx(place, action):
    response = client_for(place.world.head).post("/evaluation/staff/", {"action": action, "id": "x" * 30})
    assert 400 <= response.status_code < 500


def test_the_applicants_case_page_invites_a_rating_once_closed_and_then_shows_it(place):
    from django.urls import reverse

    c = client_for(place.world.citizen)
    closed_page = reverse("cases:my_case", args=[place.case.number])
    page = c.get(closed_page).content.decode()
    assert 'id="case-evaluation"' in page and f"/evaluation/cases/{place.case.number}/" in page
    # not before 办结
    assert 'id="case-evaluation"' not in c.get(reverse("cases:my_case", args=[place.open_case.number])).content.decode()
    c.post(f"/evaluation/cases/{place.case.number}/", {"level": "4", "comment": "窗口很耐心"})
    page = c.get(closed_page).content.decode()
    assert "窗口很耐心" in page and f'href="/evaluation/cases/{place.case.number}/"' not in page
