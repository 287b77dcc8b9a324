"""The operator needs no XML and no JSON: an item's form is edited as rows and its delivery methods
as checkboxes (validated by ``catalog.form_schema``, the one home of those rules), a process
version is shown as a diagram, and a new department's process comes from a stock shape with a
department chosen for each lane."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from yiwang.catalog.demo import parse_field
from yiwang.catalog.demo_items import ITEMS
from yiwang.catalog.form_schema import field_problems, validate_form_schema
from yiwang.catalog.models import ProcessDefinition, ProcessVersion
from yiwang.core.errors import DomainError
from yiwang.core.models import AuditEvent
from yiwang.testing import factories, item_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", password="pw-root-1"))
    return client


def item_post(item, rows, delivery=("window", "post")):
    """The admin change form as a browser posts it: the item's fields, the form rows, the inline."""
    data = {
        "code": item.code, "name": item.name, "item_type": item.item_type, "department": item.department_id,
        "applicant_scope": item.applicant_scope, "required_level": item.required_level, "is_active": "on", "legal_days": item.legal_days,
        "promised_days": item.promised_days, "fee_description": item.fee_description,
        "online_depth": item.online_depth, "location": "", "office_hours": "", "conditions": "", "legal_basis": "",
        "keywords": "", "process": item.process_id, "delivery_methods": list(delivery),
        "materials-TOTAL_FORMS": "0", "materials-INITIAL_FORMS": "0", "materials-MIN_NUM_FORMS": "0",
        "materials-MAX_NUM_FORMS": "1000", "form_schema-count": str(len(rows)),
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"form_schema-{i}-{key}"] = value
    return data


def test_every_demo_items_form_is_valid_by_the_one_rule():
    assert all(field_problems([parse_field(f) for f in row["form"]]) == [] for row in ITEMS)


@pytest.mark.parametrize("fields, problem", [
    ("not a list", "字段列表"),
    ([{"name": "Shop Name", "label": "店名", "type": "text"}], "字段名只能用"),
    ([{"name": "a", "label": "甲"}, {"name": "a", "label": "乙"}], "重复"),
    ([{"name": "a", "label": ""}], "缺少显示名称"),
    ([{"name": "a", "label": "甲", "type": "file"}], "不受支持"),
    ([{"name": "a", "label": "甲", "type": "select"}], "至少要有一个选项"),
    ([{"name": "a", "label": "甲", "type": "select", "options": ["x", "x"]}], "选项重复"),
    ([{"name": "a", "label": "甲", "type": "text", "options": ["x"]}], "只有单选字段"),
    ([{"name": "a", "label": "甲", "required": "yes"}], "是否必填"),
])
def test_a_bad_form_definition_is_refused_naming_the_field(fields, problem):
    with pytest.raises(DomainError) as exc:
        validate_form_schema(fields)
    assert exc.value.code == "form_schema_invalid" and exc.value.status == 422
    assert problem in exc.value.message


def test_the_item_page_shows_the_form_as_rows_and_delivery_as_checkboxes(admin_client):
    item = item_factories.item("SCJG-001")
    html = admin_client.get(f"/admin/catalog/serviceitem/{item.pk}/change/").content.decode()
    assert 'name="form_schema-0-name" value="shop_name"' in html
    assert 'name="form_schema-1-label" value="面积"' in html
    assert 'name="form_schema-4-name" value=""' in html  # spare rows to add fields
    assert 'type="checkbox" name="delivery_methods" value="post"' in html
    assert html.count("shop_name") == 1 and "&quot;label&quot;" not in html  # no JSON to edit


def test_editing_an_items_form_as_rows_saves_the_fields_and_keeps_keys_it_does_not_show(admin_client):
    item = item_factories.item("SCJG-001", form_schema=[
        {"name": "shop_name", "label": "店名", "type": "text", "required": True,
         "shown_when": 'form.pickup = "窗口"'},
        {"name": "area", "label": "面积", "type": "number", "required": False},
    ])
    rows = [
        {"name": "shop_name", "label": "店铺名称", "type": "text", "required": "on", "help": "与营业执照一致"},
        {"name": "area", "label": "面积", "type": "number", "delete": "on"},
        {"name": "pickup", "label": "领取方式", "type": "select", "options": "窗口\n邮寄\n", "required": "on"},
        {"name": "", "label": "", "type": "text"},  # a spare row left empty
    ]
    response = admin_client.post(f"/admin/catalog/serviceitem/{item.pk}/change/", item_post(item, rows, ("post",)))
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert item.form_schema == [
        {"name": "shop_name", "label": "店铺名称", "type": "text", "required": True, "help": "与营业执照一致",
         "shown_when": 'form.pickup = "窗口"'},
        {"name": "pickup", "label": "领取方式", "type": "select", "required": True, "options": ["窗口", "邮寄"]},
    ]
    assert item.delivery_methods == ["post"]
    assert AuditEvent.objects.get(event_type="service_item_changed").details["fields"]


@pytest.mark.parametrize("rows, delivery, message", [
    ([{"name": "店名", "label": "店名", "type": "text"}], ("window",), "字段名只能用"),
    ([{"name": "kind", "label": "类型", "type": "select", "options": ""}], ("window",), "至少要有一个选项"),
    ([{"name": "a", "label": "甲", "type": "script"}], ("window",), "不受支持"),
    ([{"name": "a", "label": "甲", "type": "text"}], (), "出件方式至少选择一种"),
    ([{"name": "a", "label": "甲", "type": "text"}], ("drone",), "drone"),
])
def test_a_bad_form_in_the_admin_is_shown_and_nothing_is_saved(admin_client, rows, delivery, message):
    item = item_factories.item("SCJG-001")
    before = (item.form_schema, item.delivery_methods)
    response = admin_client.post(f"/admin/catalog/serviceitem/{item.pk}/change/", item_post(item, rows, delivery))
    assert response.status_code == 200 and message in response.content.decode()
    item.refresh_from_db()
    assert (item.form_schema, item.delivery_methods) == before


def test_a_hostile_row_count_does_not_break_the_form(admin_client):
    item = item_factories.item("SCJG-001")
    data = item_post(item, [{"name": "a", "label": "甲", "type": "text"}])
    for count in ("-5", "abc", "99999999999999999999"):
        data["form_schema-count"] = count
        assert admin_client.post(f"/admin/catalog/serviceitem/{item.pk}/change/", data).status_code in (200, 302)


def test_a_process_version_is_shown_as_a_diagram(admin_client):
    item = item_factories.item("SCJG-001")
    version = ProcessVersion.objects.get(definition=item.process)
    page = admin_client.get(f"/admin/catalog/processversion/{version.pk}/change/").content.decode()
    if "BPMNDiagram" in version.bpmn_xml:
        assert f'data-src="/admin/catalog/processversion/{version.pk}/bpmn.xml"' in page
    else:
        assert "没有图形信息" in page
    assert "js/process-diagram.js" in page and "vendor/bpmn-navigated-viewer.production.min.js" in page
    assert "<script>" not in page.split("</head>")[1] or "process-diagram" not in page.split("<script>")[-1]
    xml = admin_client.get(f"/admin/catalog/processversion/{version.pk}/bpmn.xml")
    assert xml.status_code == 200 and xml["Content-Type"].startswith("application/xml")
    assert xml.content.decode() == version.bpmn_xml
    assert Client().get(f"/admin/catalog/processversion/{version.pk}/bpmn.xml").status_code == 302  # login first


def test_a_stock_process_with_a_diagram_is_drawn_from_its_file(admin_client):
    factories.department("SCJG")
    response = admin_client.post("/admin/catalog/processdefinition/from-shape/", {
        "shape": "two_step", "dept": factories.department("SCJG").pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    definition = ProcessDefinition.objects.get(key="two_step_SCJG")
    version = definition.latest_version()
    assert "BPMNDiagram" in version.bpmn_xml
    page = admin_client.get(f"/admin/catalog/processdefinition/{definition.pk}/change/").content.decode()
    assert f'data-src="/admin/catalog/processversion/{version.pk}/bpmn.xml"' in page


def test_a_new_department_gets_a_process_from_a_stock_shape(admin_client):
    # given a department that has no process yet, and a partner
    wl = factories.department("WL", "县文化和旅游局")
    ga = factories.department("GA", "县公安局")
    # when the operator chooses the hand-off shape and assigns departments to its lanes
    response = admin_client.post("/admin/catalog/processdefinition/from-shape/", {
        "shape": "handoff", "dept": wl.pk, "partner": ga.pk})
    # then the process is published through the lane mapping, for those departments
    assert response.status_code == 302, response.content.decode()[:2000]
    version = ProcessDefinition.objects.get(key="handoff_WL_GA").latest_version()
    assert {s["department"] for s in version.steps} == {"WL", "GA"}
    published = AuditEvent.objects.get(event_type="process_version_published", subject_id="handoff_WL_GA")
    assert published.details["lane_map"] == {"dept": "WL", "partner": "GA"}
    assert published.actor is not None
    # and the same choice again publishes nothing new
    admin_client.post("/admin/catalog/processdefinition/from-shape/", {"shape": "handoff", "dept": wl.pk,
                                                                        "partner": ga.pk})
    assert ProcessVersion.objects.filter(definition__key="handoff_WL_GA").count() == 1


@pytest.mark.parametrize("post, message", [
    ({"shape": "handoff"}, "需要为泳道 dept 指定部门"),
    ({"shape": "two_step", "partner": "GA"}, "没有泳道 partner"),
    ({"shape": "handoff", "dept": "WL", "partner": "WL"}, "同一部门不能占两个泳道"),
    ({"shape": "enterprise_opening", "dept": "WL"}, "不在可用的选项中"),
    ({"shape": "nope", "dept": "WL"}, "nope"),
    ({"shape": "two_step", "dept": "99999999999999999999"}, "选择一个有效的选项"),
])
def test_the_stock_shape_form_refuses_what_does_not_fit(admin_client, post, message):
    codes = {"WL": factories.department("WL").pk, "GA": factories.department("GA").pk}
    data = {k: codes.get(v, v) for k, v in post.items()}
    response = admin_client.post("/admin/catalog/processdefinition/from-shape/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body or "Select a valid choice" in body, body[-3000:]
    assert not ProcessDefinition.objects.exists() or not ProcessVersion.objects.filter(
        definition__key__startswith=post["shape"]).exists()


def test_the_add_page_offers_the_stock_shapes_first(admin_client):
    html = admin_client.get("/admin/catalog/processdefinition/add/").content.decode()
    assert "/admin/catalog/processdefinition/from-shape/" in html
    form = admin_client.get("/admin/catalog/processdefinition/from-shape/").content.decode()
    assert "two_step" in form and "handoff" in form and "enterprise_opening" not in form
    other = Client()
    other.force_login(factories.user("clerk_x", ZWFW="clerk"))
    assert other.get("/admin/catalog/processdefinition/from-shape/").status_code == 302
