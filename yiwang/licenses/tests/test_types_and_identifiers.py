"""Licence types are configured without code, and refused with the reason when they cannot work;
identifiers carry a check character that catches a changed character."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from yiwang.licenses import identifiers
from yiwang.licenses.models import LicenceType
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


def a_type(**overrides):
    values = {"code": "11330999640XBD3K7W001", "name": "营业执照", "department": factories.department("SCJG"),
              "number_prefix": "YYZZ", "fields": [{"key": "business_scope", "label": "经营范围"}],
              "template": "名称：{holder_name}\n经营范围：{business_scope}"}
    values.update(overrides)
    return LicenceType(**values)


def test_a_well_formed_type_is_accepted():
    a_type().full_clean()


def test_a_template_naming_an_undefined_field_is_refused_with_the_field_named():
    with pytest.raises(ValidationError) as exc:
        a_type(template="经营范围：{business_scope}\n注册资本：{capital}").full_clean()
    assert "template" in exc.value.message_dict
    assert "capital" in exc.value.message_dict["template"][0] and "未定义" in exc.value.message_dict["template"][0]


@pytest.mark.parametrize("template", ["{business_scope.__class__}", "{business_scope[0]}", "{business_scope!r}",
                                      "{business_scope:>10}", "{", "}{"])
def test_templates_that_would_reach_into_objects_or_are_malformed_are_refused(template):
    with pytest.raises(ValidationError) as exc:
        a_type(template=template).full_clean()
    assert "template" in exc.value.message_dict


@pytest.mark.parametrize("fields", [[{"key": "Bad Key", "label": "x"}], [{"key": "a"}], "not a list",
                                    [{"key": "holder_name", "label": "与标准元数据同名"}],
                                    [{"key": "a", "label": "A"}, {"key": "a", "label": "A again"}],
                                    [{"key": "a", "label": "A", "label_en": ["not", "text"]}]])
def test_bad_field_definitions_are_refused(fields):
    with pytest.raises(ValidationError) as exc:
        a_type(fields=fields, template="").full_clean()
    assert "fields" in exc.value.message_dict


def test_a_type_code_must_be_21_characters():
    with pytest.raises(ValidationError) as exc:
        a_type(code="123").full_clean()
    assert "code" in exc.value.message_dict


def test_the_admin_refuses_the_save_and_shows_the_reason(client, world):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", password="pw-root-Long-1")
    client.force_login(admin)
    department = factories.department("SCJG")
    response = client.post("/admin/licenses/licencetype/add/", {
        "code": "11330999640XBD3K7W001", "name": "营业执照", "department": department.pk, "holder_kind": "both",
        "fields": '[{"key": "business_scope", "label": "经营范围"}]', "template": "注册资本：{capital}",
        "number_prefix": "YYZZ", "is_active": "on", "material_names": "",
    })
    assert response.status_code == 200
    assert "capital" in response.content.decode() and not LicenceType.objects.exists()


def test_identifier_shape_and_check_character():
    from yiwang.licenses.demo import department_uscc

    uscc = department_uscc("SCJG")
    assert len(uscc) == 18
    value = identifiers.identifier(type_code=f"{uscc}001", issuer_uscc=uscc, serial=12, version=1)
    assert value.startswith(f"1.2.156.3005.2.{uscc}001.{uscc}.12.001.")
    assert identifiers.identifier_valid(value)
    # one changed character anywhere in the body is caught by the check character
    body, check = value.rsplit(".", 1)
    tampered = body.replace(".12.", ".13.") + "." + check
    assert not identifiers.identifier_valid(tampered)
    assert not identifiers.identifier_valid(value[:-1] + ("A" if value[-1] != "A" else "B"))
    assert not identifiers.identifier_valid("1.2.3")
