"""一件事 packages: one submission splits into one case per member item, in one transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from yiwang.cases.models import Case, CaseMaterial, PackageApplication, PackageMaterial
from yiwang.cases.services import MaterialRef, stage_upload
from yiwang.cases.services.packages import submit_package
from yiwang.catalog import packages as catalog_packages
from yiwang.catalog.models import LifeEventPackage, PackageMember
from yiwang.core.errors import DomainError, InvalidInput, NotFound
from yiwang.testing import factories, item_factories

pytestmark = pytest.mark.django_db

PHONE = {"name": "contact_phone", "label": "联系电话", "type": "tel", "required": True}


@pytest.fixture
def package(world: Any) -> LifeEventPackage:
    """Three members of two departments: a shared 身份证 material and a shared phone field; the
    first and second both ask "type" but as different questions; the third is optional."""
    death = item_factories.item("GA-1", dept="GA", materials=(("身份证", True), ("死亡证明", True)), form_schema=[
        {"name": "deceased_name", "label": "逝者姓名", "type": "text", "required": True}, PHONE,
        {"name": "type", "label": "注销类型", "type": "select", "required": True, "options": ["死亡", "出国"]}])
    cremation = item_factories.item("MZ-1", dept="MZ", materials=(("身份证", True), ("死亡证明", True), ("委托书", False)),
                               form_schema=[{"name": "deceased_name", "label": "逝者姓名", "type": "text", "required": True},
                                            PHONE, {"name": "type", "label": "火化类型", "type": "text", "required": False}])
    benefit = item_factories.item("RS-1", dept="RS", materials=(("身份证", True), ("银行卡", True)), form_schema=[
        PHONE, {"name": "bank_account", "label": "收款账号", "type": "text", "required": True}])
    p = LifeEventPackage.objects.create(code="PKG-1", name="身故一件事", summary="家人去世", guide="一次办好")
    for order, (it, optional) in enumerate([(death, False), (cremation, False), (benefit, True)], start=1):
        PackageMember.objects.create(package=p, item=it, optional=optional, sort_order=order)
    return p


def _groups(p: LifeEventPackage, optional: list[str] | None = None) -> dict[str, Any]:
    members = catalog_packages.chosen_members(p, optional)
    return {g.name: g for g in catalog_packages.combined_materials(p, members)}


def _upload(user: Any) -> int:
    return stage_upload(actor=user, file=factories.upload_file("scan.pdf")).pk


def _refs(user: Any, p: LifeEventPackage, names: list[str], optional: list[str] | None = None) -> list[MaterialRef]:
    groups = _groups(p, optional)
    return [MaterialRef(material_id=groups[n].key, upload_id=_upload(user)) for n in names]


FORM = {"deceased_name": "王大爷", "contact_phone": "13800138000", "type": "死亡", "type__2": "普通火化"}


def _submit(world: Any, p: LifeEventPackage, **kwargs: Any) -> PackageApplication:
    kwargs.setdefault("form_data", FORM)
    if "materials" not in kwargs:
        kwargs["materials"] = _refs(world.citizen, p, ["身份证", "死亡证明"])
    application, _created = submit_package(actor=world.citizen, package=p, applicant=world.applicant, **kwargs)
    return application


def test_combined_form_asks_shared_fields_once_and_keeps_different_questions_apart(package):
    fields = {f.name: f for f in catalog_packages.combined_form(catalog_packages.chosen_members(package))}
    assert list(fields) == ["deceased_name", "contact_phone", "type", "type__2", "bank_account"]
    assert len(fields["contact_phone"].sources) == 3 and len(fields["deceased_name"].sources) == 2
    assert fields["type__2"].spec["label"] == "火化类型（测试事项MZ-1）"


def test_combined_materials_ask_a_shared_material_once(package):
    groups = _groups(package)
    assert list(groups) == ["身份证", "死亡证明", "委托书", "银行卡"]
    assert len(groups["身份证"].materials) == 3 and len(groups["死亡证明"].materials) == 2
    assert groups["委托书"].required is False


def test_submission_splits_into_one_case_per_member_with_its_part_of_the_form(world, package):
    application = _submit(world, package)

    assert application.number.startswith("YJ")
    cases = [m.case for m in application.members.select_related("case__item")]
    assert [c.item.code for c in cases] == ["GA-1", "MZ-1"]  # the optional member was not chosen
    assert Case.objects.count() == 2
    death, cremation = cases
    assert death.form_data == {"deceased_name": "王大爷", "contact_phone": "13800138000", "type": "死亡"}
    assert cremation.form_data == {"deceased_name": "王大爷", "contact_phone": "13800138000", "type": "普通火化"}
    assert all(c.applicant_id == world.applicant.pk and c.status == "submitted" for c in cases)
    assert death.department.code == "GA" and cremation.department.code == "MZ"


def test_a_file_given_once_is_referenced_by_every_case_that_needs_it(world, package):
    application = _submit(world, package)

    shared = PackageMaterial.objects.get(application=application, name="身份证")
    rows = list(shared.used_by.select_related("case", "material"))
    assert len(rows) == 2 and {r.case.item.code for r in rows} == {"GA-1", "MZ-1"}
    assert len({r.file.name for r in rows}) == 1 and len({r.sha256 for r in rows}) == 1  # one stored file
    assert {r.material.name for r in rows} == {"身份证"}
    assert shared.upload in rows
    # two materials given, each used by two cases: four case materials, two of them references
    assert CaseMaterial.objects.filter(case__isnull=False).count() == 4


def test_optional_member_is_applied_for_when_chosen(world, package):
    application = _submit(world, package, optional_items=["RS-1"],
                          form_data={**FORM, "bank_account": "6222000011112222"},
                          materials=_refs(world.citizen, package, ["身份证", "死亡证明", "银行卡"], ["RS-1"]))

    codes = [m.case.item.code for m in application.members.select_related("case__item")]
    assert codes == ["GA-1", "MZ-1", "RS-1"]
    benefit = application.members.get(case__item__code="RS-1").case
    assert benefit.form_data == {"contact_phone": "13800138000", "bank_account": "6222000011112222"}
    assert PackageMaterial.objects.get(application=application, name="身份证").used_by.count() == 3


def test_an_optional_item_the_package_does_not_offer_is_refused(world, package):
    with pytest.raises(InvalidInput) as exc:
        _submit(world, package, optional_items=["GA-1", "NOPE"])
    assert exc.value.code == "package_member_unknown" and exc.value.details["optional_items"] == ["GA-1", "NOPE"]
    assert not PackageApplication.objects.exists() and not Case.objects.exists()


def test_form_problems_of_every_member_come_back_together_and_nothing_is_created(world, package):
    with pytest.raises(InvalidInput) as exc:
        _submit(world, package, optional_items=["RS-1"], form_data={"type": "失踪"},
                materials=_refs(world.citizen, package, ["身份证", "死亡证明", "银行卡"], ["RS-1"]))
    fields = {p["field"] for p in exc.value.details["fields"]}
    assert fields == {"deceased_name", "contact_phone", "type", "bank_account"}
    assert exc.value.code == "form_invalid"
    assert not PackageApplication.objects.exists() and not Case.objects.exists()


def test_missing_material_is_named_once_for_the_package(world, package):
    with pytest.raises(InvalidInput) as exc:
        _submit(world, package, materials=_refs(world.citizen, package, ["身份证"]))
    assert exc.value.code == "materials_missing"
    assert [m["name"] for m in exc.value.details["missing"]] == ["死亡证明"]
    assert not Case.objects.exists()


def test_a_material_given_twice_or_not_of_the_package_is_refused(world, package):
    groups = _groups(package)
    twice = [MaterialRef(material_id=groups["身份证"].key, upload_id=_upload(world.citizen)) for _ in range(2)]
    with pytest.raises(InvalidInput) as exc:
        _submit(world, package, materials=twice)
    assert exc.value.code == "package_material_unknown"
    other = item_factories.item("ZZ-9", dept="SCJG").materials.first()
    with pytest.raises(InvalidInput):
        _submit(world, package, materials=[MaterialRef(material_id=other.pk, upload_id=_upload(world.citizen))])
    assert not Case.objects.exists()


def test_someone_elses_upload_rolls_back_every_case(world, package):
    intruder, _applicant = factories.citizen("other", first17="11010119850101123")
    refs = _refs(world.citizen, package, ["身份证"]) + [
        MaterialRef(material_id=_groups(package)["死亡证明"].key, upload_id=_upload(intruder))]
    with pytest.raises(NotFound):
        _submit(world, package, materials=refs)
    assert not PackageApplication.objects.exists() and not Case.objects.exists()
    assert not CaseMaterial.objects.filter(case__isnull=False).exists()


def test_a_member_refusing_inside_the_transaction_leaves_nothing_behind(world, package, monkeypatch):
    """The last member's own submission fails after the first case was created: no case stays."""
    from yiwang.cases.services import packages as service

    real = service.submit_application
    calls = []

    def failing(**kwargs):
        calls.append(kwargs["item"].code)
        if len(calls) == 2:
            raise InvalidInput("form_invalid", "boom")
        return real(**kwargs)

    monkeypatch.setattr(service, "submit_application", failing)
    with pytest.raises(DomainError) as exc:
        _submit(world, package)
    assert calls == ["GA-1", "MZ-1"]
    assert exc.value.details["package_items"] == ["测试事项GA-1", "测试事项MZ-1"]
    assert not PackageApplication.objects.exists() and not Case.objects.exists()


def test_materials_the_package_produces_are_not_asked(world, package):
    package.produced_materials = ["死亡证明"]
    package.save()
    assert "死亡证明" not in _groups(package)
    application = _submit(world, package, materials=_refs(world.citizen, package, ["身份证"]))
    assert application.members.count() == 2


def test_applicant_kind_every_member_must_accept(world, package):
    PackageMember.objects.filter(item__code="MZ-1").update(optional=False)
    package.members.get(item__code="MZ-1").item.__class__.objects.filter(code="MZ-1").update(applicant_scope="org")
    package = LifeEventPackage.objects.get(pk=package.pk)
    with pytest.raises(InvalidInput) as exc:
        _submit(world, package)
    assert exc.value.code == "applicant_kind_not_allowed" and exc.value.details["items"] == ["测试事项MZ-1"]


def test_retry_with_the_same_key_returns_the_first_application(world, package):
    first = _submit(world, package, idempotency_key="pkg-1")
    again, created = submit_package(actor=world.citizen, package=package, applicant=world.applicant, form_data=FORM,
                                    materials=[], idempotency_key="pkg-1")
    assert not created and again.pk == first.pk and Case.objects.count() == 2


def test_audit_records_the_package_and_its_cases(world, package):
    from yiwang.core.models import AuditEvent

    application = _submit(world, package)
    event = AuditEvent.objects.get(event_type="package_application_submitted")
    assert event.subject_id == application.number and len(event.details["cases"]) == 2


# ------------------------------------------------------------------------------------- the API


def _token(client: Client, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", {"username": username, "password": f"pw-{username}"},
                           content_type="application/json")
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def test_api_package_guide_lists_the_merged_form_and_materials(package):
    client = Client()
    listing = client.get("/api/v1/packages").json()
    assert [p["code"] for p in listing] == ["PKG-1"] and listing[0]["items"] == 3 and listing[0]["departments"] == 3
    body = client.get("/api/v1/packages/PKG-1").json()
    assert [m["name"] for m in body["materials"]] == ["身份证", "死亡证明", "委托书", "银行卡"]
    assert body["materials"][0]["item_codes"] == ["GA-1", "MZ-1", "RS-1"]
    assert [f["name"] for f in body["form_schema"]] == ["deceased_name", "contact_phone", "type", "type__2", "bank_account"]
    assert [m["optional"] for m in body["members"]] == [False, False, True]
    missing = client.get("/api/v1/packages/NOPE")
    assert missing.status_code == 404 and missing.json()["code"] == "package_not_found"


def test_api_submits_a_package_and_the_applicant_tracks_it(world, package):
    client = Client()
    auth = _token(client, "citizen")
    groups = _groups(package)
    materials = []
    for name in ("身份证", "死亡证明"):
        up = client.post("/api/v1/uploads", {"file": factories.upload_file("scan.pdf")}, **auth).json()
        materials.append({"material_id": groups[name].key, "upload_id": up["id"]})
    payload = {"package_code": "PKG-1", "form": FORM, "materials": materials}

    first = client.post("/api/v1/package-applications", payload, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="web-1", **auth)
    again = client.post("/api/v1/package-applications", payload, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="web-1", **auth)

    assert first.status_code == 201, first.content
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]
    body = first.json()
    assert body["cases_total"] == 2 and body["cases_finished"] == 0 and body["done"] is False
    assert [c["item_code"] for c in body["cases"]] == ["GA-1", "MZ-1"]
    assert body["materials"] == ["身份证", "死亡证明"]
    tracked = client.get(f"/api/v1/package-applications/{body['number']}", **auth)
    assert tracked.status_code == 200 and tracked.json()["cases"] == body["cases"]
    # each member case is an ordinary case of the applicant
    case = client.get(f"/api/v1/cases/{body['cases'][0]['number']}", **auth)
    assert case.status_code == 200


def test_api_refuses_what_a_person_or_attacker_can_send(world, package):
    client = Client()
    auth = _token(client, "citizen")
    post = lambda payload: client.post("/api/v1/package-applications", payload, content_type="application/json", **auth)  # noqa: E731
    unknown = post({"package_code": "NOPE"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "package_not_found"
    incomplete = post({"package_code": "PKG-1", "form": {}})
    assert incomplete.status_code == 422 and incomplete.json()["code"] == "form_invalid"
    assert post({"package_code": "PKG-1", "form": "x"}).status_code == 422
    assert post({"package_code": "PKG-1", "materials": [{"material_id": "a"}]}).status_code == 422
    assert post({"package_code": "x" * 41}).status_code == 422
    bad_optional = post({"package_code": "PKG-1", "form": FORM, "optional_items": ["<script>"]})
    assert bad_optional.status_code == 422 and bad_optional.json()["code"] == "package_member_unknown"
    anonymous = Client().post("/api/v1/package-applications", {"package_code": "PKG-1"}, content_type="application/json")
    assert anonymous.status_code == 401
    assert not Case.objects.exists()


def test_api_hides_someone_elses_package_application(world, package):
    application = _submit(world, package)
    factories.citizen("other", first17="11010119850101123")
    client = Client()
    other = client.get(f"/api/v1/package-applications/{application.number}", **_token(client, "other"))
    nope = client.get("/api/v1/package-applications/YJ0000", **_token(client, "other"))
    assert other.status_code == 404 and other.json() == nope.json() | {"message": other.json()["message"]}
    assert other.json()["code"] == "package_application_not_found"


def test_portal_pages_show_the_package(package):
    client = Client()
    listing = client.get("/packages/")
    assert listing.status_code == 200 and "身故一件事" in listing.content.decode()
    page = client.get("/packages/PKG-1/").content.decode()
    assert "一次办好" in page and "测试事项GA-1" in page and "死亡证明" in page
    assert page.count("<td>身份证") == 1  # asked once in the merged materials
    assert client.get("/packages/NOPE/").status_code == 404


def test_portal_apply_once_then_follow_the_package(world, package):
    client = Client()
    client.force_login(world.citizen)
    groups = _groups(package)
    form = {**FORM, "submission_token": "t-1",
            f"material_{groups['身份证'].key}": factories.upload_file("id.pdf"),
            f"material_{groups['死亡证明'].key}": factories.upload_file("death.pdf")}
    page = client.get("/packages/PKG-1/apply/")
    assert page.status_code == 200 and page.content.decode().count('type="file"') == 4

    response = client.post("/packages/PKG-1/apply/", form)

    application = PackageApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/me/packages/{application.number}/"
    assert application.members.count() == 2
    status = client.get(response["Location"]).content.decode()
    assert application.number in status and "测试事项GA-1" in status and "测试事项MZ-1" in status


def test_portal_apply_keeps_the_answers_and_names_the_problem(world, package):
    client = Client()
    client.force_login(world.citizen)
    groups = _groups(package)
    response = client.post("/packages/PKG-1/apply/", {
        "deceased_name": "王大爷", "submission_token": "t-2",
        f"material_{groups['身份证'].key}": factories.upload_file("id.pdf")})
    page = response.content.decode()
    assert response.status_code == 200 and "联系电话" in page and 'value="王大爷"' in page
    assert f'name="upload_{groups["身份证"].key}"' in page  # the file given is kept, not asked again
    assert not PackageApplication.objects.exists()


def test_portal_package_status_is_the_applicants_only(world, package):
    application = _submit(world, package)
    other, _applicant = factories.citizen("other", first17="11010119850101123")
    client = Client()
    client.force_login(other)
    assert client.get(f"/me/packages/{application.number}/").status_code == 404
    assert Client().get(f"/me/packages/{application.number}/").status_code == 302  # to the login page


def test_portal_lists_my_package_applications_only(world, package):
    application = _submit(world, package)
    client = Client()
    client.force_login(world.citizen)
    mine = client.get("/me/packages/").content.decode()
    assert application.number in mine and "已办结 0 / 2 个事项" in mine
    other, _applicant = factories.citizen("other", first17="11010119850101123")
    client.force_login(other)
    assert application.number not in client.get("/me/packages/").content.decode()
