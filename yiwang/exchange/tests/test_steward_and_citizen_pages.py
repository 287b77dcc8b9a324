"""The exchange pages a steward and a citizen read: subscriptions name fields by their labels, the
steward's 工作台 shows what waits for them, and 数据使用记录 never breaks on a reference.
(That it links only the person's own cases: ``cases/tests/test_free_submission.py``.)"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from yiwang.exchange import services
from yiwang.exchange.models import AccessLog, Channel, Dataset, DatasetStatus
from yiwang.exchange.policy import Consumer, Justification
from yiwang.exchange.tests.conftest import zhang
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_subscriptions_show_field_labels_not_field_names(county):
    services.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people,
                                  fields=["household_type", "birth_date"], purpose="高龄津贴", legal_basis="文件")
    page = signed_in(county.ga_steward).get("/work/exchange/subscriptions/").content.decode()
    assert "户口性质" in page and "出生日期" in page
    assert "household_type" not in page.replace('value="household_type"', "")  # only as a form value
    assert "birth_date" not in page.replace('value="birth_date"', "")
    # and the API gives each field's label beside its name
    body = signed_in(county.mz_clerk).get("/api/v1/exchange/subscriptions?direction=outgoing").json()
    assert body[0]["fields"] == ["household_type", "birth_date"]
    assert body[0]["field_labels"] == {"household_type": "户口性质", "birth_date": "出生日期"}


def test_the_stewards_workbench_shows_requests_reviews_held_pushes_and_recent_uses(county, now):
    # given a request waiting for 公安局, a reasoned lookup to review, a held push, and a use of its data
    services.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people,
                                  fields=["household_type"], purpose="高龄津贴申领：核验户籍", legal_basis="文件")
    services.lookup(consumer=Consumer(department=county.scjg, user=county.scjg_clerk), resource_code="RK", key=zhang(),
                    fields=["name"], purpose="窗口咨询核验", actor=county.scjg_clerk, channel=Channel.WEB,
                    justification=Justification(reason_code="in_person", reason_text="当事人在场办理，尚未立案"))
    Dataset.objects.create(resource=county.people, version=9, status=DatasetStatus.HELD, file_format="csv",
                           rows_loaded=2, rows_rejected=40)
    # when the steward opens 工作台
    page = signed_in(county.ga_steward).get("/work/").content.decode()
    # then
    assert "待审核的共享申请" in page and "县民政局 → 人口基础信息" in page and "户口性质" in page
    assert "待复核的查询" in page and "人口基础信息 v9" in page and "待确认" in page
    assert "窗口咨询核验" in page and "县市场监管局" in page
    # someone who is not a steward sees none of it
    assert "待复核的查询" not in signed_in(county.scjg_clerk).get("/work/").content.decode()


def test_a_case_reference_that_is_not_a_url_does_not_break_the_record(county):
    user, applicant = factories.citizen("zhang", first17="11010119900307851", name="张三")
    AccessLog.objects.create(consumer=county.ga, provider=county.ga, resource=county.people, resource_code="RK",
                             channel=Channel.CASE, subject_index=_index(), purpose="免提交",
                             case_reference="a/b", outcome="served")
    response = signed_in(user).get("/me/data-usage/")
    assert response.status_code == 200 and "a/b" in response.content.decode()


def _index():
    from yiwang.exchange.models import KeyKind
    from yiwang.exchange.rows import key_index

    return key_index(KeyKind.CITIZEN_ID, zhang())


def test_the_subscription_admin_shows_labels(county):
    admin = get_user_model().objects.create_superuser("root", password="pw-root-long-enough")
    sub = services.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people,
                                        fields=["household_type"], purpose="高龄津贴", legal_basis="文件")
    client = signed_in(admin)
    assert "户口性质" in client.get("/admin/exchange/subscription/").content.decode()
    assert "户口性质" in client.get(f"/admin/exchange/subscription/{sub.pk}/change/").content.decode()
