"""Demo licence library: the county CA, a seal for each issuing department, eight licence types
bound to their items, and licences on the demo people and the demo company (idempotent)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from yiwang.catalog.models import ServiceItem
from yiwang.core.ids import uscc_check_char
from yiwang.core.models import Applicant, ApplicantKind, Department
from yiwang.crypto.primitives import sm3
from yiwang.licenses import services
from yiwang.licenses.models import DepartmentSeal, HolderKind, Licence, LicenceStatus, LicenceType

DIVISION = "330999"
BOTH, PERSON, ORG = HolderKind.BOTH, HolderKind.PERSON, HolderKind.ORGANISATION

# (department, serial, name, English, holder kind, prefix, validity years, items issuing, items changing,
#  material names, fields (key, label, English label), template)
TYPES: list[tuple[Any, ...]] = [
    ("SCJG", 1, "营业执照", "Business licence", BOTH, "YYZZ", None,
     ["企业设立登记（企业开办）", "个体工商户注册登记"], ["营业执照变更登记", "个体工商户变更登记"], "营业执照",
     [("company_type", "类型", "Type"), ("registered_capital", "注册资本（万元）", "Registered capital (10,000 yuan)"),
      ("premises_address", "住所", "Domicile"), ("business_scope", "经营范围", "Business scope")],
     "名称：{holder_name}\n类型：{company_type}\n注册资本：{registered_capital} 万元\n住所：{premises_address}\n经营范围：{business_scope}"),
    ("SCJG", 2, "食品经营许可证", "Food business licence", BOTH, "JY", 5, ["食品经营许可"], [], "食品经营许可证",
     [("business_type", "主体业态", "Business form"), ("premises_address", "经营场所", "Business premises"),
      ("food_items", "经营项目", "Business items")],
     "经营者名称：{holder_name}\n主体业态：{business_type}\n经营场所：{premises_address}\n经营项目：{food_items}"),
    ("ZRZY", 1, "不动产权证书", "Real estate title certificate", BOTH, "BDC", None,
     ["不动产登记（二手房转移登记）", "不动产登记（新建商品房转移登记）", "不动产继承登记"], [], "不动产权证书",
     [("property_address", "坐落", "Location"), ("area", "面积（平方米）", "Area (m²)"), ("usage", "用途", "Use")],
     "权利人：{holder_name}\n坐落：{property_address}\n面积：{area} 平方米\n用途：{usage}"),
    ("ZJ", 1, "建筑工程施工许可证", "Construction permit", ORG, "SG", None, ["建筑工程施工许可证核发"], [],
     "建筑工程施工许可证", [("project_name", "工程名称", "Project name"), ("site_address", "建设地址", "Site address")],
     "建设单位：{holder_name}\n工程名称：{project_name}\n建设地址：{site_address}"),
    ("JT", 1, "道路运输经营许可证", "Road transport licence", BOTH, "DY", 4,
     ["道路运输经营许可（道路普通货物运输）"], [], "道路运输经营许可证", [("business_scope", "经营范围", "Business scope")],
     "业户名称：{holder_name}\n经营范围：{business_scope}"),
    ("CL", 1, "中华人民共和国残疾人证", "Disability certificate", PERSON, "CJ", 10, ["残疾人证核发"],
     ["残疾人证换领、补领"], "中华人民共和国残疾人证,原残疾人证",
     [("disability_category", "残疾类别", "Category of disability"), ("disability_level", "残疾等级", "Grade of disability")],
     "姓名：{holder_name}\n残疾类别：{disability_category}\n残疾等级：{disability_level}"),
    ("MZ", 1, "高龄津贴证明", "Old-age allowance certificate", PERSON, "GL", 1, ["高龄津贴申领"], [], "高龄津贴证明",
     [("allowance", "津贴标准（元/月）", "Allowance (yuan per month)")],
     "姓名：{holder_name}\n津贴标准：{allowance} 元/月\n有效期：{valid_from} 至 {valid_to}"),
    ("WJ", 1, "公共场所卫生许可证", "Public place hygiene licence", BOTH, "WS", 4, ["公共场所卫生许可"], [],
     "卫生许可证,公共场所卫生许可证",
     [("premises_address", "经营场所", "Business premises"), ("business_scope", "许可项目", "Licensed activities")],
     "单位名称：{holder_name}\n经营场所：{premises_address}\n许可项目：{business_scope}"),
]

# holder (demo key), type name, fields, days ago issued, then: "revoke" / "expire" or ""
DEMO_LICENCES: list[tuple[str, str, dict[str, str], int, str]] = [
    ("enterprise", "营业执照", {"company_type": "有限责任公司", "registered_capital": "200", "premises_address": "某县城关镇府前街 26 号",
                                "business_scope": "餐饮服务；食品销售；餐饮管理"}, 420, ""),
    ("enterprise", "食品经营许可证", {"business_type": "餐饮服务经营者", "premises_address": "某县城关镇府前街 26 号",
                                     "food_items": "热食类食品制售；冷食类食品制售"}, 400, ""),
    ("enterprise", "公共场所卫生许可证", {"premises_address": "某县城关镇府前街 26 号", "business_scope": "餐饮场所"}, 380, ""),
    ("enterprise", "道路运输经营许可证", {"business_scope": "道路普通货物运输"}, 300, "revoke"),
    ("citizen", "不动产权证书", {"property_address": "某县城关镇人民路 88 号青禾小区 3 幢 201 室", "area": "96.5", "usage": "住宅"}, 900, ""),
    ("citizen", "营业执照", {"company_type": "个体工商户", "premises_address": "某县城关镇人民路 90 号", "business_scope": "日用百货零售"}, 200, ""),
    ("citizen2", "中华人民共和国残疾人证", {"disability_category": "肢体残疾", "disability_level": "三级"}, 700, ""),
    ("citizen2", "高龄津贴证明", {"allowance": "100"}, 500, "expire"),
    ("citizen2", "高龄津贴证明", {"allowance": "150"}, 30, ""),
]


def department_uscc(code: str) -> str:
    """A stable, valid GB 32100 code for a demo department (机关: 11)."""
    from yiwang.core.demo import org_code

    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    digest = sm3(f"yiwang-demo-department:{code}".encode())
    body = "".join(alphabet[b % len(alphabet)] for b in digest[:8]).replace("I", "1").replace("O", "0")
    first17 = f"11{DIVISION}{org_code(body)}"
    return first17 + uscc_check_char(first17)


def seed_licence_library() -> dict[str, int]:
    anchor = services.ensure_demo_ca()
    counts = {"types": 0, "seals": 0}
    departments = {d.code: d for d in Department.objects.filter(code__in={t[0] for t in TYPES})}
    for code, sealing in departments.items():
        if not DepartmentSeal.objects.filter(department=sealing, is_current=True).exists():
            services.create_seal(department=sealing, uscc=department_uscc(code), anchor=anchor)
            counts["seals"] += 1
    items = {i.name: i for i in ServiceItem.objects.filter(name__in={n for t in TYPES for n in t[7] + t[8]})}
    for dept, serial, name, name_en, kind, prefix, years, issuing, changing, materials, fields, template in TYPES:
        department = departments.get(dept)
        if department is None:
            continue
        type_code = f"{department_uscc(dept)}{serial:03d}"
        licence_type, created = LicenceType.objects.get_or_create(code=type_code, defaults={
            "name": name, "name_en": name_en, "department": department, "holder_kind": kind, "number_prefix": prefix,
            "validity_years": years, "material_names": materials,
            "fields": [{"key": k, "label": label, "label_en": label_en} for k, label, label_en in fields],
            "template": template})
        if not created and not licence_type.name_en:  # databases seeded before the English names
            labels_en = {k: label_en for k, _label, label_en in fields}
            licence_type.name_en = name_en
            licence_type.fields = [{**f, "label_en": f.get("label_en") or labels_en.get(f.get("key"), "")}
                                   for f in licence_type.fields]
            licence_type.save(update_fields=["name_en", "fields"])
        if created:
            licence_type.full_clean()
            licence_type.items.set([items[n] for n in issuing if n in items])
            licence_type.change_items.set([items[n] for n in changing if n in items])
            counts["types"] += 1
    return counts


def seed_demo_licences(holders: dict[str, Applicant]) -> int:
    """Licences on the demo people and company; one revoked, one expired (for the wallet's states)."""
    now = timezone.now()
    types = {t.name: t for t in LicenceType.objects.all()}
    made = 0
    for key, type_name, data, days_ago, then in DEMO_LICENCES:
        holder, licence_type = holders.get(key), types.get(type_name)
        if holder is None or licence_type is None:
            continue
        marker = f"DEMO-{key}-{days_ago}"
        if Licence.objects.filter(case_number=marker).exists():
            continue
        licence = services.issue_licence(licence_type=licence_type, holder=holder, data=data, case_number=marker,
                                         now=now - dt.timedelta(days=days_ago))
        made += 1
        if then == "revoke":
            from django.contrib.auth import get_user_model

            staff = get_user_model().objects.filter(staff_roles__department=licence_type.department).first()
            if staff is not None:
                services.revoke_licence(actor=staff, number=licence.number, reason="演示：经营者申请注销", now=now)
        elif then == "expire" and licence.valid_to is not None and licence.valid_to >= now.date():
            raise ValueError("the demo's expired licence must lie in the past")
    return made


def demo_holders() -> dict[str, Applicant]:
    from yiwang.core.demo import CITIZEN, CITIZEN2, ENTERPRISE

    out = {}
    for key, spec, kind in (("citizen", CITIZEN, ApplicantKind.PERSON), ("citizen2", CITIZEN2, ApplicantKind.PERSON),
                            ("enterprise", ENTERPRISE, ApplicantKind.ORGANISATION)):
        applicant = Applicant.objects.filter(kind=kind, name=spec["name"]).first()
        if applicant is not None:
            out[key] = applicant
    return out


def seed_licences() -> dict[str, int]:
    counts = seed_licence_library()
    counts["licences"] = seed_demo_licences(demo_holders())
    counts["status_revoked"] = Licence.objects.filter(status=LicenceStatus.REVOKED).count()
    return counts
