"""The demo seed: a county with departments, calendar, accounts, applicants and 306 service items of 23 departments.

Seeded once per module (the seed takes about a second) in a transaction rolled back at the end;
tests only read, except the idempotency test, which seeds again inside its own savepoint.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from SpiffWorkflow.util.task import TaskState

from yiwang.catalog.bpmn import new_workflow, specs_for
from yiwang.catalog.demo import seed_catalog
from yiwang.catalog.demo_items import ITEMS
from yiwang.catalog.models import Material, ProcessDefinition, ProcessVersion, ServiceItem
from yiwang.catalog.processes import SHAPES
from yiwang.catalog.selectors import search_items
from yiwang.core.calendar import invalidate_calendar_cache, is_working_day
from yiwang.core.demo import DEMO_PASSWORD, seed_core
from yiwang.core.ids import is_valid_citizen_id, is_valid_uscc, mask_id_number
from yiwang.core.models import Applicant, ApplicantKind, AuditEvent, CalendarDay, Department, Role, StaffRole

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as the suite's conftest sets per test
INSTANT_ITEMS = ["高龄津贴申领", "社会保障卡补领", "公租房资格确认", "个体工商户注销登记", "失业保险金申领", "居住证签注"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module inside a transaction that is rolled back afterwards; each test
    runs in a savepoint inside it (as Django's ``setUpTestData`` does)."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        core = seed_core()
        catalog = seed_catalog()
        invalidate_calendar_cache()
        yield core, catalog
        transaction.set_rollback(True)
    invalidate_calendar_cache()


def _counts() -> dict[str, int]:
    return {
        "departments": Department.objects.count(),
        "calendar": CalendarDay.objects.count(),
        "users": get_user_model().objects.count(),
        "roles": StaffRole.objects.count(),
        "applicants": Applicant.objects.count(),
        "items": ServiceItem.objects.count(),
        "materials": Material.objects.count(),
        "processes": ProcessDefinition.objects.count(),
        "versions": ProcessVersion.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.mark.django_db
def test_seeding_twice_creates_and_changes_nothing(seeded):
    # given
    before = _counts()
    items_before = list(ServiceItem.objects.order_by("code").values())
    # when
    core = seed_core()
    catalog = seed_catalog()
    # then
    assert _counts() == before
    assert list(ServiceItem.objects.order_by("code").values()) == items_before
    assert not any(core["counts"].values())
    assert not any(catalog["counts"].values())


@pytest.mark.django_db
def test_departments_of_the_county(seeded):
    codes = set(Department.objects.values_list("code", flat=True))
    assert codes == {"ZWFW", "SCJG", "GA", "RS", "ZJ", "ZRZY", "SW", "WJ", "JY", "MZ", "JT", "CG", "YJ", "HB", "WL", "NY", "SL",
                     "YB", "GJJ", "TY", "YC", "CL", "SF", "XF"}
    centre = Department.objects.get(is_service_centre=True)
    assert centre.code == "ZWFW" and centre.name == "县政务服务管理局"
    assert not Department.objects.filter(name_en="").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "working"), [
    ("2026-10-07", False),  # a weekday in 国庆 is a holiday
    ("2026-10-08", True),  # 2026's 国庆 ends on 7 October (国办发明电〔2025〕7号); 2025's ran to 8 October
    ("2026-10-10", True),  # a Saturday made a working day (调休)
    ("2026-02-14", True),
    ("2026-02-16", False),  # 春节
    ("2026-01-04", True),
    ("2026-01-02", False),
    ("2025-10-08", False),
    ("2025-09-28", True),
    ("2025-01-26", True),
    ("2025-05-05", False),
    ("2026-06-19", False),  # 端午, a Friday
    ("2026-09-25", False),  # 中秋, a Friday
    ("2026-03-10", True),  # an ordinary Tuesday, not stored
    ("2026-03-14", False),  # an ordinary Saturday, not stored
])
def test_calendar_follows_the_statutory_holidays(seeded, day, working):
    assert is_working_day(dt.date.fromisoformat(day)) is working


@pytest.mark.django_db
def test_calendar_stores_only_exceptions(seeded):
    days = list(CalendarDay.objects.all())
    assert len(days) >= 60
    for day in days:
        assert day.name
        if day.is_working_day:
            assert day.date.weekday() >= 5, day  # only weekend days are ever made working days


@pytest.mark.django_db
def test_demo_accounts_and_roles(seeded):
    core, _catalog = seeded
    user_model = get_user_model()
    usernames = {a["username"] for a in core["accounts"]}
    assert core["password"] == DEMO_PASSWORD == "yiwang2026"
    assert {"admin", "citizen", "citizen2", "enterprise", "clerk", "clerk2", "supervisor"} <= usernames
    for code in ["scjg", "ga", "rs", "zj", "zrzy", "sw", "mz", "wj"]:
        assert {f"{code}_reviewer", f"{code}_decider", f"{code}_head"} <= usernames
    for code in ["ga", "scjg", "rs", "zrzy", "sw", "mz"]:
        assert f"{code}_steward" in usernames
    for dept in Department.objects.all():
        assert StaffRole.objects.filter(department=dept, role=Role.HEAD, user__username=f"{dept.code.lower()}_head").exists()
    assert usernames == set(user_model.objects.values_list("username", flat=True))
    admin = user_model.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password(DEMO_PASSWORD)
    assert StaffRole.objects.filter(user__username="clerk", department__code="ZWFW", role=Role.CLERK).exists()
    assert StaffRole.objects.filter(user__username="supervisor", department__code="ZWFW", role=Role.SUPERVISOR).exists()
    assert StaffRole.objects.filter(user__username="scjg_decider", department__code="SCJG", role=Role.DECIDER).exists()
    assert not user_model.objects.filter(first_name="").exists()
    # the Django admin is for the platform administrator and the three 三权分立 administrators only
    assert set(user_model.objects.filter(is_staff=True).values_list("username", flat=True)) == {
        "admin", "sysadmin", "secadmin", "auditor"}


@pytest.mark.django_db
def test_applicants_linked_to_the_demo_users(seeded):
    citizen = Applicant.objects.get(user__username="citizen")
    assert (citizen.name, citizen.kind) == ("张明华", ApplicantKind.PERSON)
    elder = Applicant.objects.get(user__username="citizen2")
    assert elder.name == "李秀英" and int(elder.id_number[6:10]) <= 1945  # old enough for 高龄津贴
    company = Applicant.objects.get(user__username="enterprise")
    assert company.kind == ApplicantKind.ORGANISATION
    assert company.name == "某县青禾餐饮管理有限公司" and company.legal_representative


@pytest.mark.django_db
def test_historical_applicants_are_many_varied_and_valid(seeded):
    core, _catalog = seeded
    ids = core["historical_applicant_ids"]
    assert len(ids) >= 200
    rows = Applicant.objects.filter(pk__in=ids)
    assert not rows.filter(user__isnull=False).exists()
    assert rows.filter(kind=ApplicantKind.ORGANISATION).count() >= 30
    assert rows.filter(kind=ApplicantKind.PERSON).count() >= 120
    assert not rows.filter(phone="").exists() and not rows.filter(address="").exists()
    assert len(set(rows.values_list("name", flat=True))) > 150


@pytest.mark.django_db
def test_every_demo_id_number_is_valid(seeded):
    for applicant in Applicant.objects.all():
        if applicant.kind == ApplicantKind.PERSON:
            assert is_valid_citizen_id(applicant.id_number), applicant.id_number
        else:
            assert is_valid_uscc(applicant.id_number), applicant.id_number


@pytest.mark.django_db
def test_catalog_spans_departments_and_shapes(seeded):
    _core, catalog = seeded
    assert ServiceItem.objects.count() == len(ITEMS) == 306
    assert catalog["items"] == 306 and catalog["departments_with_items"] == 23
    # every department but the service centre carries items
    assert set(Department.objects.filter(items__isnull=False).values_list("code", flat=True)) == set(
        Department.objects.exclude(code="ZWFW").values_list("code", flat=True))
    keys = set(ServiceItem.objects.values_list("process__key", flat=True))
    shapes = {next(s for s in SHAPES if key == s or key.startswith(f"{s}_")) for key in keys}
    assert len(catalog["shapes"]) >= 5 and len(shapes) >= 5
    assert not ServiceItem.objects.filter(process__versions__isnull=True).exists()


@pytest.mark.django_db
def test_items_carry_what_an_implementation_list_needs(seeded):
    for item in ServiceItem.objects.prefetch_related("materials"):
        assert 2 <= item.materials.count() <= 6, item.name
        assert item.materials.filter(required=True).exists(), item.name
        assert 0 < item.promised_days < item.legal_days, item.name
        assert item.location and item.office_hours and item.conditions and item.legal_basis and item.keywords
        assert item.delivery_methods and set(item.delivery_methods) <= {"window", "post", "electronic"}
        assert 2 <= len(item.form_schema) <= 6, item.name
        for field in item.form_schema:
            assert field["name"].isascii() and field["name"] == field["name"].lower()
            assert field["type"] in {"text", "textarea", "number", "date", "select", "tel"}
            assert (field["type"] == "select") == bool(field.get("options"))
        names = [f["name"] for f in item.form_schema]
        assert len(names) == len(set(names)), item.name


@pytest.mark.django_db
def test_cross_department_items_use_cross_department_processes(seeded):
    opening = ServiceItem.objects.get(name="企业设立登记（企业开办）")
    steps = opening.process.latest_version().steps
    assert {s["department"] for s in steps} >= {"SCJG", "SW", "GA"}
    transfer = ServiceItem.objects.get(name="不动产登记（二手房转移登记）")
    assert {s["department"] for s in transfer.process.latest_version().steps} == {"ZRZY", "SW"}
    for item in ServiceItem.objects.select_related("department", "process"):
        lanes = {s["department"] for s in item.process.latest_version().steps}
        assert item.department.code in lanes, item.name


@pytest.mark.django_db
def test_instant_approval_candidates_exist(seeded):
    assert set(ServiceItem.objects.filter(name__in=INSTANT_ITEMS).values_list("name", flat=True)) == set(INSTANT_ITEMS)


@pytest.mark.django_db
@pytest.mark.parametrize(("word", "at_least"), [
    ("营业执照", 5), ("社保", 5), ("不动产", 5), ("身份证", 2), ("饭店", 1), ("过户", 2), ("低保", 1), ("发票", 3),
])
def test_citizens_words_find_several_items(seeded, word, at_least):
    assert search_items(word).count() >= at_least


# What each tag on the home page promises (core.views.POPULAR_SEARCHES): the item a person who
# clicks it is looking for. A new tag needs its line here.
HOME_TAGS = {
    "营业执照": "企业设立登记（企业开办）", "社保": "社会保障卡补领", "不动产": "不动产登记（二手房转移登记）",
    "食品经营": "食品经营许可", "居住证": "居住证申领", "公积金": "住房公积金提取（购买自住住房）",
    "高龄津贴": "高龄津贴申领", "施工许可": "建筑工程施工许可证核发",
}


def test_every_home_page_tag_finds_what_it_says(seeded, client):
    from yiwang.core.views import POPULAR_SEARCHES

    assert set(POPULAR_SEARCHES) == set(HOME_TAGS)
    for tag in POPULAR_SEARCHES:
        # the tag's link, as the home page writes it, lists the item it names
        home = client.get("/").content.decode()
        assert f"?q={quote(tag)}" in home
        page = client.get("/items/", {"q": tag}).content.decode()
        assert HOME_TAGS[tag] in page, tag
        assert search_items(tag).filter(name=HOME_TAGS[tag]).exists(), tag


@pytest.mark.django_db
def test_every_published_process_runs_to_completion(seeded):
    for version in ProcessVersion.objects.all():
        spec, subprocess_specs = specs_for(("demo_seed_test", version.pk), version.spec_json)
        workflow = new_workflow(spec, subprocess_specs)
        workflow.do_engine_steps()
        done = []
        for _ in range(20):
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                break
            for task in ready:
                task.data["decision"] = "approve"
                task.run()
                done.append(task.task_spec.name)
            workflow.do_engine_steps()
        assert workflow.is_completed(), version.definition.key
        assert sorted(done) == sorted(s["task_id"] for s in version.steps)


def test_item_codes_are_unique_and_stable():
    codes = [row["code"] for row in ITEMS]
    assert len(codes) == len(set(codes))
    assert "330999-01-01001-000" in codes  # 企业设立登记 keeps its code


@pytest.mark.django_db
def test_admin_pages_open_on_the_seeded_data(seeded, client):
    from django.contrib import admin

    # given the platform administrator
    client.force_login(get_user_model().objects.get(username="admin"))
    models = [m for m in admin.site._registry if m._meta.app_label in ("core", "catalog", "auth")]
    assert {Department, Applicant, StaffRole, CalendarDay, AuditEvent, ServiceItem, ProcessDefinition} <= set(models)
    for model in models:
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        # when / then
        assert client.get(base).status_code == 200, base
        assert client.get(f"{base}?q=某县").status_code == 200, base
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            assert client.get(f"{base}{first.pk}/change/").status_code == 200, base


@pytest.mark.django_db
def test_admin_masks_id_numbers_and_keeps_audit_read_only(seeded, client):
    client.force_login(get_user_model().objects.get(username="admin"))
    citizen = Applicant.objects.get(user__username="citizen")
    body = client.get("/admin/core/applicant/?q=张明华").content.decode()
    assert citizen.id_number not in body and mask_id_number(citizen.id_number) in body
    assert client.get("/admin/core/auditevent/add/").status_code == 403
    event = AuditEvent.objects.first()
    assert client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_personal_data_is_encrypted_at_rest_and_found_by_blind_index(seeded):
    from django.db import connection

    # given the demo citizen, as the application reads them
    citizen = Applicant.objects.get(user__username="citizen")
    # then the stored columns hold SM4 tokens, not the number, phone or address
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, address FROM core_applicant WHERE id = %s", [citizen.pk])
        stored = cursor.fetchone()
    assert all(value.startswith("sm4g1.") for value in stored)
    assert citizen.id_number not in stored and citizen.phone not in stored
    # and the window still finds the person by the number typed at the counter
    typed = " " + citizen.id_number.lower() + " "
    assert Applicant.objects.with_id_number(ApplicantKind.PERSON, typed).get() == citizen


@pytest.mark.django_db
def test_life_event_packages_bundle_real_items_and_ask_shared_materials_once(seeded):
    from yiwang.catalog import packages
    from yiwang.catalog.demo_items import PACKAGES
    from yiwang.catalog.models import LifeEventPackage

    _core, catalog = seeded
    assert catalog["packages"] == len(PACKAGES) == 10
    assert set(LifeEventPackage.objects.values_list("name", flat=True)) >= {
        "新生儿出生一件事", "义务教育入学一件事", "开饭店一件事", "二手房买卖一件事", "身故一件事", "退休一件事",
        "结婚一件事", "就业创业一件事", "企业开办一件事", "企业注销一件事"}
    across = 0
    for package in packages.active_packages():
        members = list(package.members.all())
        assert len(members) >= 2 and any(not m.optional for m in members), package.name
        assert packages.applicant_kinds(members), package.name  # someone can apply for the required members
        across += len({m.item.department_id for m in members}) >= 2
    assert across == 9  # all but 就业创业 (人社 alone) span departments
    death = packages.package_guide("YJS-05")
    groups = {g.name: g for g in packages.combined_materials(death, list(death.members.all()))}
    # the death certificate is asked once for all six members (基本殡葬服务费用减免 called it 死亡证明)
    assert len(groups["居民死亡医学证明（推断）书"].materials) == 6
    assert [name for name in groups if "死亡" in name and "证明" in name] == ["居民死亡医学证明（推断）书"]
    # the cremation certificate comes from the package's own 遗体火化服务: not asked of the family
    assert "火化证明" not in groups
    fields = [f.name for f in packages.combined_form(list(death.members.all()))]
    assert fields.count("deceased_name") == 1 and len(fields) == len(set(fields))


@pytest.mark.django_db
def test_a_demo_package_splits_into_its_members_cases(seeded):
    """开饭店一件事 for the demo citizen: 营业执照 is produced by the package, not asked of them."""
    from yiwang.cases.services import MaterialRef, stage_upload
    from yiwang.cases.services.packages import submit_package
    from yiwang.catalog import packages
    from yiwang.testing import factories

    restaurant = packages.package_guide("YJS-03")
    members = packages.chosen_members(restaurant, [])
    assert "营业执照" not in {g.name for g in packages.combined_materials(restaurant, members)}
    citizen = Applicant.objects.get(user__username="citizen")
    refs = []
    for g in packages.combined_materials(restaurant, members):
        if g.required:
            name, content = ("scan.pdf", factories.PDF_BYTES) if "pdf" in g.formats else ("scan.png", factories.PNG_BYTES)
            refs.append(MaterialRef(material_id=g.key, upload_id=stage_upload(actor=citizen.user, file=factories.upload_file(
                name, content)).pk))
    form = {f.name: (f.spec["options"][0] if f.spec["type"] == "select" else "2026-12-07" if f.spec["type"] == "date"
                     else "30" if f.spec["type"] == "number" else "13800138000" if f.spec["type"] == "tel" else "青禾小馆")
            for f in packages.combined_form(members)}
    application, created = submit_package(actor=citizen.user, package=restaurant, applicant=citizen, form_data=form,
                                          materials=refs, optional_items=[])
    assert created
    assert [m.case.item.name for m in application.members.all()] == ["个体工商户注册登记", "食品经营许可", "店招标牌设置备案"]
    assert {m.case.department.code for m in application.members.all()} == {"SCJG", "CG"}
