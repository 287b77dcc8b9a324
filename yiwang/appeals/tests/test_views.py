"""The pages: a citizen reports on the portal (with a photo), follows it; an agent registers a call;
a grid worker reports; a dispatcher dispatches; the department closes; bad input is a 4xx page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yiwang.appeals.models import Appeal, AppealChannel, AppealPhoto, AppealStatus
from yiwang.appeals.tests.conftest import CLEAR, VAGUE

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def client_for(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_a_citizen_reports_with_a_photo_and_a_point_and_follows_it_without_an_account(county):
    c = client_for()
    response = c.post("/appeals/new/", {"title": CLEAR, "body": "公交车高峰期拥堵严重", "appeal_type": "complaint",
                                        "latitude": "30.2", "longitude": "120.03", "reporter_phone": "13800138000",
                                        "photos": SimpleUploadedFile("a.png", PNG, content_type="image/png")})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.channel == "portal" and appeal.district == "城关镇"
    photo = AppealPhoto.objects.get()
    page = c.get(response["Location"])
    assert appeal.number in page.content.decode()
    token = appeal.reports.get().token
    assert c.get(f"/appeals/photos/{photo.pk}/?t={token}").status_code == 200
    assert c.get(f"/appeals/photos/{photo.pk}/").status_code == 403
    assert c.get("/appeals/follow/not-a-token/").status_code == 404


@pytest.mark.parametrize("post, field_text", [
    ({"title": ""}, "请填写标题"),
    ({"latitude": "200", "longitude": "120"}, "纬度须在 -90 到 90 之间"),
    ({"photos": SimpleUploadedFile("evil.png", b"#!/usr/bin/python\nimport os", content_type="image/png")},
     "不是 JPEG 或 PNG"),
    ({"body": "x" * 5001}, "不能超过 5000 个字"),
])
def test_bad_portal_input_is_a_4xx_with_a_message(county, post, field_text):
    data = {"title": CLEAR, "appeal_type": "complaint", "address": "城关镇人民路1号", **post}
    response = client_for().post("/appeals/new/", data)
    assert response.status_code == 422
    assert field_text in response.content.decode()
    assert not Appeal.objects.exists()


def test_the_hotline_form_registers_and_comes_back_empty(county):
    c = client_for(county.agent)
    assert 'autofocus' in c.get("/work/appeals/hotline/").content.decode()
    response = c.post("/work/appeals/hotline/", {"title": VAGUE, "appeal_type": "consult", "urgency": "normal",
                                                 "address": "城关镇"}, follow=True)
    appeal = Appeal.objects.get()
    assert appeal.channel == AppealChannel.HOTLINE and appeal.first_contact_department.code == "RX"
    assert appeal.number in response.content.decode()
    assert client_for(county.citizen).get("/work/appeals/hotline/").status_code == 403


def test_the_grid_page_is_for_grid_workers(county):
    assert client_for(county.agent).get("/work/appeals/grid/").status_code == 403
    response = client_for(county.grid).post("/work/appeals/grid/", {"title": CLEAR, "appeal_type": "event",
                                                                    "urgency": "urgent", "address": "白沙镇"})
    assert response.status_code == 302
    assert Appeal.objects.get().channel == AppealChannel.GRID


def test_dispatch_close_and_call_back_through_the_pages(county):
    client_for(county.agent).post("/work/appeals/hotline/", {"title": VAGUE, "appeal_type": "consult",
                                                             "address": "城关镇"})
    appeal = Appeal.objects.get()
    d = client_for(county.dispatcher)
    assert appeal.number in d.get("/work/appeals/").content.decode()
    d.post(f"/work/appeals/{appeal.number}/", {"action": "dispatch", "category": "环境保护", "lead": "HB"})
    assert Appeal.objects.get().lead_department.code == "HB"
    hb = client_for(county.hb)
    hb.post(f"/work/appeals/{appeal.number}/", {"action": "close", "reply": "已清理"})
    assert Appeal.objects.get().status == AppealStatus.CLOSED
    # a second close is refused with a message, not a 500
    response = hb.post(f"/work/appeals/{appeal.number}/", {"action": "close", "reply": "再次"})
    assert response.status_code == 409 and "不能办结" in response.content.decode()
    client_for(county.agent).post(f"/work/appeals/{appeal.number}/", {"action": "callback", "rating": "satisfied"})
    assert Appeal.objects.get().rating == "satisfied"
    assert client_for(county.jt).get(f"/work/appeals/{appeal.number}/").status_code == 403


def test_a_body_at_the_limit_with_line_breaks_sent_as_cr_lf_is_stored_whole_with_lf(county, settings):
    """A browser sends a textarea's line break as CR LF; the server counts it as one character (as
    ``static/js/yiwang.js`` does) and stores LF: a body the script let through is never refused for it."""
    limit = settings.YIWANG_APPEALS_MAX_TEXT
    body = ("路" * 99 + "\r\n") * (limit // 101) + "路" * (limit - 100 * (limit // 101))
    assert len(body.replace("\r\n", "\n")) == limit < len(body)
    data = {"title": CLEAR, "appeal_type": "complaint", "address": "城关镇人民路1号"}
    assert client_for().post("/appeals/new/", {**data, "body": body}).status_code == 302
    assert Appeal.objects.get().body == body.replace("\r\n", "\n")
    over = client_for().post("/appeals/new/", {**data, "body": body + "路"})
    assert over.status_code == 422 and f"不能超过 {limit} 个字" in over.content.decode()
