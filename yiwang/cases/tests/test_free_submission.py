"""免提交 that keeps its promise: one rule (``catalog.selectors.material_provisions``) says how each
material is provided, for the signed-in applicant; the item API, the guide, the apply page and
intake all use it; a department's own data needs no subscription; and when sharing cannot keep
the promise at submission, the applicant is told to upload, in words they can act on, and keeps
everything they entered."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from yiwang.cases import services
from yiwang.cases.models import Case, CaseMaterial, MaterialSource
from yiwang.catalog.selectors import Provision, material_provision, material_provisions
from yiwang.core.errors import DomainError
from yiwang.core.models import ApplicantKind
from yiwang.core.services import register_applicant
from yiwang.exchange import services as exchange
from yiwang.exchange.models import AccessLog, Channel, MaterialProof
from yiwang.exchange.tests.conftest import county, exchange_keys, now  # noqa: F401  (fixtures)
from yiwang.testing import case_factories, factories, item_factories

pytestmark = pytest.mark.django_db

FORM = {"shop_name": "青禾小馆"}


def proven_item(county, code: str, dept: str):  # noqa: F811
    """An item of ``dept`` whose 身份证明 公安局's 人口基础信息 (RK) proves."""
    item = item_factories.item(code, dept=dept, materials=(("身份证明", True), ("其他材料", False)))
    MaterialProof.objects.create(material=item.materials.get(name="身份证明"), resource=county.people,
                                 fields=["name", "birth_date"])
    return item


def id_card(item):
    return item.materials.get(name="身份证明")


@pytest.fixture
def zhang(county):  # noqa: F811
    return factories.citizen("zhang", first17="11010119900307851", name="张三")


def test_how_each_material_is_provided_follows_the_policy_for_this_applicant(county, zhang):  # noqa: F811
    user, applicant = zhang
    own = proven_item(county, "GA-001", "GA")  # 公安局's own item, its own data
    other = proven_item(county, "MZ-001", "MZ")  # 民政局's item: 公安局's data
    # the owner's item: obtained by sharing, no subscription needed
    assert material_provisions(own, applicant) == {id_card(own).pk: Provision.SHARING,
                                                   own.materials.get(name="其他材料").pk: Provision.UPLOAD}
    # another department without a subscription: nothing is promised
    assert material_provision(other, id_card(other), applicant) == Provision.UPLOAD
    # with one naming the proof's fields: promised; once revoked: no longer
    sub = exchange.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people,
                                        fields=["name", "birth_date"], purpose="办件免提交", legal_basis="文件")
    sub = exchange.approve_subscription(actor=county.ga_steward, subscription=sub, expires_at=None)
    assert material_provision(other, id_card(other), applicant) == Provision.SHARING
    exchange.revoke_subscription(actor=county.ga_steward, subscription=sub, reason="停止共享")
    assert material_provision(other, id_card(other), applicant) == Provision.UPLOAD
    # nobody in particular (anonymous, staff): upload, whatever the item
    assert set(material_provisions(own, None).values()) == {Provision.UPLOAD}
    # an enterprise is not found by a citizen ID: upload
    org = register_applicant(actor=None, kind=ApplicantKind.ORGANISATION, name="某县青禾餐饮管理有限公司",
                             id_number=factories.uscc(), legal_representative="张三")
    assert material_provision(own, id_card(own), org) == Provision.UPLOAD
    # a resource negative-listed as a whole is no longer promised to another department, even
    # with a subscription; the owner's own item still is (the list governs what leaves it)
    sub = exchange.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people,
                                        fields=["name", "birth_date"], purpose="办件免提交（续）", legal_basis="文件")
    exchange.approve_subscription(actor=county.ga_steward, subscription=sub, expires_at=None)
    assert material_provision(other, id_card(other), applicant) == Provision.SHARING
    exchange.add_negative_entry(actor=county.ga_steward, resource=county.people, field_name=None, reason="整体不共享")
    assert material_provision(other, id_card(other), applicant) == Provision.UPLOAD
    assert material_provision(own, id_card(own), applicant) == Provision.SHARING


def test_an_owner_items_免提交_is_kept_at_submission_and_logged_for_the_case(county, zhang):  # noqa: F811
    # given 张三 applying for 公安局's item without uploading 身份证明
    user, applicant = zhang
    item = proven_item(county, "GA-002", "GA")
    # when
    case, created = services.submit_application(actor=user, item=item, applicant=applicant, form_data=FORM)
    # then the material was obtained from 公安局's own data, for this case
    assert created
    shared = CaseMaterial.objects.get(case=case, material=id_card(item))
    assert shared.source == MaterialSource.SHARED and shared.shared_facts["facts"] == {"name": "张三", "birth_date": "1990-03-07"}
    log = AccessLog.objects.get(case_reference=case.number)
    assert (log.consumer_id, log.provider_id, log.subscription_id, log.outcome) == (county.ga.pk, county.ga.pk, None, "served")


def test_when_sharing_cannot_keep_the_promise_the_applicant_is_told_to_upload_not_the_gateways_rule(county):  # noqa: F811
    # given someone 公安局's data does not know, applying for 公安局's item
    user, stranger = factories.citizen("stranger", first17="11010119700101001", name="路人")
    item = proven_item(county, "GA-003", "GA")
    assert material_provision(item, id_card(item), stranger) == Provision.SHARING  # as far as can be known
    # when they submit without uploading it
    with pytest.raises(DomainError) as refused:
        services.submit_application(actor=user, item=item, applicant=stranger, form_data=FORM)
    # then they are told, in words they can act on, to upload it; nothing internal reaches them
    message = refused.value.message
    assert "身份证明" in message and "请上传" in message and "数据共享中没有查到您的这项记录" in message
    assert "订阅" not in message and "GA" not in message and "RK" not in message
    assert refused.value.details["missing"] == [{"material_id": id_card(item).pk, "name": "身份证明", "reason": "not_found",
                                                 "obtained_by": "upload"}]
    assert not Case.objects.exists()
    # and uploading it instead is accepted
    case, _created = services.submit_application(actor=user, item=item, applicant=stranger, form_data=FORM,
                                                 materials=case_factories.required_material_refs(user, item))
    assert CaseMaterial.objects.get(case=case, material=id_card(item)).source == MaterialSource.UPLOAD


def test_a_gateway_refusal_at_submission_reaches_the_applicant_as_what_to_do(county, zhang):  # noqa: F811
    # given the promise was made (a subscription), and the provider's quota for cases is spent by the time they submit
    user, applicant = zhang
    item = proven_item(county, "MZ-002", "MZ")
    sub = exchange.request_subscription(actor=county.mz_clerk, consumer=county.mz, resource=county.people,
                                        fields=["name", "birth_date"], purpose="办件免提交", legal_basis="文件")
    exchange.approve_subscription(actor=county.ga_steward, subscription=sub, expires_at=None, daily_quota=1)
    type(sub).objects.filter(pk=sub.pk).update(case_daily_quota=1)
    assert material_provision(item, id_card(item), applicant) == Provision.SHARING
    services.submit_application(actor=user, item=item, applicant=applicant, form_data=FORM)  # spends the quota
    # when they apply again
    with pytest.raises(DomainError) as refused:
        services.submit_application(actor=user, item=item, applicant=applicant, form_data={"shop_name": "第二家"})
    # then the message says what to do, not which quota
    assert "请上传" in refused.value.message and "数据共享暂时无法提供" in refused.value.message
    assert "限额" not in refused.value.message and refused.value.details["missing"][0]["reason"] == "quota_exhausted"


def test_the_apply_page_keeps_what_was_entered_and_asks_for_the_upload_instead(county):  # noqa: F811
    user, stranger = factories.citizen("stranger", first17="11010119700101001", name="路人")
    item = proven_item(county, "GA-004", "GA")
    client = Client()
    client.force_login(user)
    # the page promises 免提交 for 身份证明
    page = client.get(f"/items/{item.code}/apply/").content.decode()
    assert "免提交：将通过数据共享获取，无需上传" in page
    # when the submission cannot keep it
    response = client.post(f"/items/{item.code}/apply/", {"shop_name": "路人小馆", "area": "35", "submission_token": "t1"})
    body = response.content.decode()
    # then the same page comes back with what was entered, the material now to upload, and a plain message
    assert response.status_code == 200 and not Case.objects.exists()
    assert 'value="路人小馆"' in body and 'value="35"' in body
    assert "未能通过数据共享获取，请上传" in body and "免提交：将通过数据共享获取，无需上传" not in body
    assert "数据共享中没有查到您的这项记录" in body and "订阅" not in body


def test_the_item_api_says_how_the_signed_in_applicant_provides_each_material(county, zhang):  # noqa: F811
    user, applicant = zhang
    item = proven_item(county, "GA-005", "GA")
    url = f"/api/v1/items/{item.code}"

    def obtained_by(response):
        assert response.status_code == 200, response.content
        return {m["name"]: m["obtained_by"] for m in response.json()["materials"]}

    anonymous = Client()
    assert obtained_by(anonymous.get(url)) == {"身份证明": "upload", "其他材料": "upload"}
    session = Client()
    session.force_login(user)
    assert obtained_by(session.get(url)) == {"身份证明": "sharing", "其他材料": "upload"}
    token = Client().post("/api/v1/auth/token", {"username": "zhang", "password": "pw-zhang"}, content_type="application/json")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token.json()['token']}"}
    assert obtained_by(Client().get(url, **bearer)) == {"身份证明": "sharing", "其他材料": "upload"}
    # a staff account applies as nobody: upload
    staff = Client()
    staff.force_login(get_user_model().objects.get(username="ga_steward"))
    assert obtained_by(staff.get(url)) == {"身份证明": "upload", "其他材料": "upload"}
    # a token that is not valid is refused, not answered as if anonymous
    bad = Client().get(url, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert bad.status_code == 401 and bad.json()["code"] == "not_authenticated"
    assert Client().get("/api/v1/items/NOPE").status_code == 404


def test_the_guide_marks_免提交_only_for_a_signed_in_applicant_it_holds_for(county, zhang):  # noqa: F811
    user, _applicant = zhang
    item = proven_item(county, "GA-006", "GA")
    anonymous = Client().get(f"/items/{item.code}/").content.decode()
    assert "免提交" not in anonymous.replace("可以免提交", "") and "登录后" in anonymous
    client = Client()
    client.force_login(user)
    signed_in = client.get(f"/items/{item.code}/").content.decode()
    assert "您无需提交：受理时通过数据共享获取。" in signed_in


def test_data_use_record_links_the_persons_own_cases_only(county):  # noqa: F811
    # given 张三's own case, which read 公安局's data for 免提交, and a staff lookup naming another reference
    user, applicant = factories.citizen("zhang", first17="11010119900307851", name="张三")
    item = proven_item(county, "GA-010", "GA")
    case, _created = services.submit_application(actor=user, item=item, applicant=applicant,
                                                      form_data={"shop_name": "青禾小馆"})
    AccessLog.objects.create(consumer=county.scjg, provider=county.ga, resource=county.people, resource_code="RK",
                             channel=Channel.WEB, subject_index=AccessLog.objects.get(case_reference=case.number).subject_index,
                             purpose="他人办件核查", case_reference="SCJG-2026-000777", outcome="served")
    # when 张三 reads 数据使用记录
    page = _signed_in(user).get("/me/data-usage/").content.decode()
    # then the own case is a link to it, the other reference is only named, and said to be someone else's
    assert f'href="/me/cases/{case.number}/"' in page and "您本人的办件" in page
    assert "SCJG-2026-000777" in page and 'href="/me/cases/SCJG-2026-000777/"' not in page
    assert "非您本人申请" in page
    assert _signed_in(user).get(f"/me/cases/{case.number}/").status_code == 200


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_package_asks_no_upload_of_a_material_sharing_provides_for_this_applicant(county, zhang):  # noqa: F811
    # given a 一件事 package whose one member's 身份证明 公安局's own data proves for 张三, and a second
    # member that does not ask for it
    from yiwang.cases.services.packages import submit_package
    from yiwang.catalog.models import LifeEventPackage, PackageMember

    user, applicant = zhang
    proven = proven_item(county, "GA-010", "GA")
    other = item_factories.item("GA-011", dept="GA", materials=(("其他材料", False),))
    package = LifeEventPackage.objects.create(code="PKG-FREE", name="身份一件事", summary="", guide="")
    for order, member in enumerate([proven, other], start=1):
        PackageMember.objects.create(package=package, item=member, sort_order=order)
    # when 张三 submits it without uploading anything
    application, created = submit_package(actor=user, package=package, applicant=applicant, form_data=FORM)
    # then the package went through, the 身份证明 obtained by sharing for the proven member's case
    assert created
    case = Case.objects.get(package_link__application=application, item=proven)
    assert CaseMaterial.objects.get(case=case, material=id_card(proven)).source == MaterialSource.SHARED
    # and the package's page does not ask for it either
    client = Client()
    client.force_login(user)
    page = client.get(f"/packages/{package.code}/apply/")
    assert page.status_code == 200
    label = page.content.decode().split(">身份证明", 1)[1].split("</label>", 1)[0]
    assert "免提交" in label and "req" not in label
