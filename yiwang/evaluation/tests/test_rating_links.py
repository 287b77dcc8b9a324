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
LINK = re.compile(r"/evaluation/c/([A-Za-z0-9_\-:.]+)/\?via=(qr|notice)")


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
    assert LINK.search(url).group(2) == "qr"
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
    assert found and found.group(2) == "qr"
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
    for bad in (tampered, "x" * 40, token.split(":")[0] + ":abc:def"):
        response = Client().post(f"/evaluation/c/{bad}/?via=qr", {"level": "1"})
        assert response.status_code == 404 and "评价链接无效" in response.content.decode()
    later = time.time() + (settings.YIWANG_EVALUATION_CASE_TOKEN_DAYS + 1) * 86400
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = Client().get(f"/evaluation/c/{token}/?via=qr")
    assert response.status_code == 409 and "已过期" in response.content.decode()
    assert not Rating.objects.exists()


def test_the_done_notice_says_where_to_rate_and_the_link_rates_the_case_online(place):
    notice = Notification.objects.get(case_number=place.case.number, kind="case_delivered_electronic")
    body = notice.rendered_body()
    assert "欢迎对本次服务评价" in body and notice.params["rate"] in body
    found = LINK.search(notice.params["rate"])
    assert found and found.group(2) == "notice"
    response = Client().post(_path(notice.params["rate"]), {"level": "4", "ind_overall": "4"})
    assert response.status_code == 302
    assert Rating.objects.get().channel == "online"
    # notices of other events carry no rating link
    accepted = Notification.objects.get(case_number=place.case.number, kind="case_accepted")
    assert "rate" not in accepted.params and "/evaluation/c/" not in accepted.rendered_body()
