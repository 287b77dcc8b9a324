"""The rating link cases prints on the 受理回执 (its page and its signed PDF, as a QR code) and writes
in the 办结 notice, contributed by evaluation through ``yiwang.cases.rating``: followed, it opens the
rating page of that case; a tampered or expired token is refused with a message."""

from __future__ import annotations

import re
import time
from unittest import mock

import pypdfium2
import pytest
from django.conf import settings
from django.test import Client

from yiwang.cases.models import CaseDocument, DocumentKind
from yiwang.core.models import Notification
from yiwang.evaluation.models import Rating, Subject

pytestmark = pytest.mark.django_db
# /r/<where><case id>.<day>.<signature>: where "q" is the receipt's QR code, "n" the 办结 notice
LINK = re.compile(r"/r/(([qn])[0-9a-z]{1,13}\.[0-9a-z]{1,6}\.[A-Za-z0-9_\-]{16})")


def _client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _pdf_text(document: CaseDocument) -> str:
    with document.file.open("rb") as handle:
        pdf = pypdfium2.PdfDocument(handle.read())
    return "".join(page.get_textpage().get_text_range() for page in pdf)


def _path(url: str) -> str:
    assert url.startswith(settings.YIWANG_PUBLIC_BASE_URL), url
    return url[len(settings.YIWANG_PUBLIC_BASE_URL):]


def test_the_printed_receipt_carries_a_qr_link_that_opens_the_rating_page_of_that_case(place):
    case = place.open_case  # accepted, not closed yet
    page = _client(place.world.clerk).get(f"/cases/{case.number}/receipts/acceptance_receipt/").content.decode()
    assert 'id="rating-qr"' in page and "<svg" in page.split('id="rating-qr"')[1]
    url = re.search(r'id="rating-url" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert LINK.search(url).group(2) == "q"
    opened = Client().get(_path(url))  # no sign-in: the receipt is the proof
    body = opened.content.decode()
    assert opened.status_code == 200 and case.number in body and 'id="not-closed"' in body
    assert 'id="token-form"' not in body
    assert Client().post(_path(url), {"level": "5"}).status_code == 409 and not Rating.objects.exists()


def test_the_signed_receipt_pdf_carries_the_link_and_the_closed_case_is_rated_through_it_once(place):
    case = place.case  # closed
    receipt = CaseDocument.objects.get(case=case, kind=DocumentKind.ACCEPTANCE_RECEIPT)
    text = re.sub(r"\s+", "", _pdf_text(receipt))
    assert "好差评" in text
    found = LINK.search(text)
    assert found and found.group(2) == "q"
    path = found.group(0)
    page = Client().get(path)
    assert page.status_code == 200 and 'id="token-form"' in page.content.decode()
    response = Client().post(path, {"level": "5", "ind_overall": "5", "comment": "窗口很耐心"})
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.subject, rating.case_id, rating.channel, rating.rater, rating.level) == (
        Subject.CASE, case.pk, "qr", None, 5)
    again = Client().post(path, {"level": "1"})
    assert again.status_code == 409 and "评价过" in again.content.decode() and Rating.objects.count() == 1
    assert 'id="token-done"' in Client().get(path).content.decode()


def test_a_tampered_or_expired_rating_link_is_refused_with_a_message(place):
    receipt = CaseDocument.objects.get(case=place.case, kind=DocumentKind.ACCEPTANCE_RECEIPT)
    token = LINK.search(re.sub(r"\s+", "", _pdf_text(receipt))).group(1)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    where, rest = token[0], token[1:]
    other_case = where + format(place.open_case.pk, "x") + rest[rest.index("."):]  # another case, same signature
    for bad in (tampered, "x" * 40, "n" + rest, other_case, token.rsplit(".", 1)[0] + ".abc", token + "0"):
        response = Client().post(f"/r/{bad}", {"level": "1"})
        assert response.status_code == 404 and "评价链接无效" in response.content.decode()
    later = time.time() + (settings.YIWANG_EVALUATION_CASE_TOKEN_DAYS + 1) * 86400
    with mock.patch("django.core.signing.time.time", return_value=later):  # the time module's clock
        response = Client().get(f"/r/{token}")
    assert response.status_code == 409 and "已过期" in response.content.decode()
    assert not Rating.objects.exists()


def test_the_done_notice_says_where_to_rate_and_the_link_rates_the_case_online(place):
    notice = Notification.objects.get(case_number=place.case.number, kind="case_delivered_electronic")
    body = notice.rendered_body()
    assert "欢迎对本次服务评价" in body and notice.params["rate"] in body
    found = LINK.search(notice.params["rate"])
    assert found and found.group(2) == "n"
    response = Client().post(_path(notice.params["rate"]), {"level": "4", "ind_overall": "4"})
    assert response.status_code == 302
    assert Rating.objects.get().channel == "online"
    # notices of other events carry no rating link
    accepted = Notification.objects.get(case_number=place.case.number, kind="case_accepted")
    assert "rate" not in accepted.params and "/evaluation/c/" not in accepted.rendered_body()


def test_each_link_rates_on_its_own_channel_only_and_each_channel_counts_once(place):
    """One rating per case per channel, and the channel is the link's: the receipt's link rates on
    回执二维码 whatever is added to it (a ``?via=`` naming the notice changes nothing), the notice's
    as 网上评价. A person holding both may rate twice, one per channel; the statistics count each
    valid rating (docs/evaluation.md), so the case counts twice there and never three times."""
    from yiwang.cases.rating import NOTICE, RECEIPT, rating_link
    from yiwang.evaluation.selectors import statistics

    receipt, notice = (_path(rating_link(place.case, where).url) for where in (RECEIPT, NOTICE))
    assert Client().post(receipt + "?via=notice", {"level": "5"}).status_code == 302
    assert Client().post(receipt, {"level": "1"}).status_code == 409  # the receipt's channel is used
    assert Client().post(notice, {"level": "2"}).status_code == 302
    assert Client().post(notice + "?via=qr", {"level": "1"}).status_code == 409
    assert sorted(Rating.objects.values_list("channel", "level")) == [("online", 2), ("qr", 5)]
    # the applicant signed in rates online too: the notice's link took that channel
    response = _client(place.world.citizen).post(f"/evaluation/cases/{place.case.number}/", {"level": "4"})
    assert response.status_code == 409 and Rating.objects.count() == 2
    figures = statistics(by="item", item_id=place.case.item_id)[0]
    assert (figures.ratings, figures.good, figures.bad, figures.satisfaction) == (2, 1, 1, 50)
    # the KPI counts the same way: yiwang/insights/tests/test_summary.py


def test_an_old_form_link_is_refused_with_where_to_rate_instead_and_rates_nothing(place):
    """The retired ``/evaluation/c/<Django-signed token>/?via=…`` links carried an unsigned channel
    (editing ``via`` rated the case a second time): every method gets 410 with a message naming the
    link to use, nothing is rated, and the old token is no token on the short route or the service."""
    from django.core import signing

    from yiwang.core.errors import NotFound
    from yiwang.evaluation.services import CASE_SALT, rate_case_by_token

    legacy = signing.dumps({"c": place.case.pk}, salt=CASE_SALT, compress=True)
    for via in ("qr", "notice"):
        response = Client().post(f"/evaluation/c/{legacy}/?via={via}", {"level": "5"})
        assert response.status_code == 410
        body = response.content.decode()
        assert "旧版评价链接" in body and "最新短信或回执" in body and 'href="/me/cases/"' in body
    assert Client().get(f"/evaluation/c/{legacy}/?via=qr").status_code == 410
    assert Client().post(f"/r/{legacy}", {"level": "5"}).status_code == 404
    with pytest.raises(NotFound) as refused:
        rate_case_by_token(token=legacy, level=5)
    assert refused.value.code == "token_invalid"
    assert not Rating.objects.exists()


def test_the_done_sms_with_its_rating_link_fits_the_documented_sms_length(place, settings):
    """The 办结 notice goes out by SMS too: its text (as the gateway sends it, with a county's 签名)
    stays within three parts of a long SMS (docs/notifications.md), because the link is our own
    short path: the public address, /r/ and a 25-character token."""
    from yiwang.core.models import OutboxMessage
    from yiwang.core.notify import SMS_PART, sms_parts, sms_text

    sms = OutboxMessage.objects.get(channel="sms", kind="case_delivered_electronic")
    text = sms_text(subject=sms.subject, body=sms.body)
    url = LINK.search(text)
    assert url is not None and text.endswith(url.group(0))  # the link last, nothing glued to it
    path = url.group(0)
    assert len(path) <= 32, path
    assert text.endswith(settings.YIWANG_PUBLIC_BASE_URL + path)
    assert sms_parts(text, sign="某县政务服务") <= 3, (len(text), text)
    # with a 40-character item name and a 30-character public address it still fits in three parts
    longest = len(text) - len(place.case.item.name) + 40 - len(settings.YIWANG_PUBLIC_BASE_URL) + 30
    assert -(-(longest + 8) // SMS_PART) <= 3, longest


def test_the_receipts_page_offers_the_window_visit_through_its_qr_link_which_rates_on_that_channel(place):
    # given the clerk opened a window visit for the accepted case, and the applicant scans the receipt
    from yiwang.evaluation import services

    case = place.open_case
    visit = services.open_visit(actor=place.world.clerk, window="3号窗口", case_number=case.number)
    page = Client().get(f"/r/{services.case_token(case, 'q')}").content.decode()
    # when they follow the page's offer to rate the visit
    visit_url = re.search(r'id="rate-visit">.*?href="([^"]+)"', page, re.S).group(1)
    assert visit_url.startswith("/v/q") and "via" not in visit_url
    rated = Client().post(visit_url, {"level": "4"})
    # then the visit is rated on the QR channel, signed into the link
    assert rated.status_code == 200 and Rating.objects.get(visit=visit).channel == "qr"
