"""Uploaded and derived files never run in the site's origin: BPMN and DMN lose browser scripting
when published, and every file is served as a sandboxed download."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from yiwang.cases.models import CaseMaterial
from yiwang.catalog.models import RuleSetVersion
from yiwang.catalog.sanitize import strip_active_content
from yiwang.catalog.services import publish_process_version, publish_rule_set_version
from yiwang.testing import case_factories, factories
from yiwang.testing.bpmn import build_bpmn

pytestmark = pytest.mark.django_db

XHTML_SCRIPT = '<h:script xmlns:h="http://www.w3.org/1999/xhtml">fetch("/api/v1/cases").then(alert)</h:script>'
SVG_ONLOAD = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
RULES = Path(__file__).resolve().parents[2] / "catalog" / "rules" / "elderly_allowance.dmn"


def hostile_bpmn() -> str:
    xml = build_bpmn("proc_hostile", [{"id": "review", "name": "审查", "dept": "SCJG", "role": "reviewer"}])
    xml = xml.replace('<bpmn:startEvent id="start"/>',
                      f'<bpmn:startEvent id="start"/>{XHTML_SCRIPT}{SVG_ONLOAD}<?xml-stylesheet href="evil.xsl"?>', 1)
    return xml.replace('<bpmn:userTask id="review"', '<bpmn:userTask onclick="alert(3)" id="review"', 1)


def assert_inert(xml: str) -> None:
    for active in ("<script", ":script", "alert", "onload", "onclick", "<?xml-stylesheet", "<svg", "javascript:"):
        assert active not in xml, active


def test_a_published_bpmn_loses_xhtml_scripts_event_attributes_and_processing_instructions(db):
    factories.department("SCJG")
    version = publish_process_version(actor=None, key="hostile", name="恶意流程", bpmn_xml=hostile_bpmn())
    assert_inert(version.bpmn_xml)
    # and the process itself is intact
    assert len(version.steps) == 1 and "review" in str(version.steps)


def test_a_published_dmn_loses_browser_scripting():
    dmn = RULES.read_text(encoding="utf-8").replace("<decision ", XHTML_SCRIPT + "<decision ", 1)
    version = publish_rule_set_version(actor=None, key="hostile_rules", name="规则", dmn_xml=dmn)
    assert_inert(RuleSetVersion.objects.get(pk=version.pk).dmn_xml)


def test_a_clean_file_is_stored_byte_for_byte():
    clean = RULES.read_text(encoding="utf-8")
    assert strip_active_content(clean) is clean


@pytest.mark.parametrize("xml", [
    '<!DOCTYPE d [<!ENTITY x "alert(1)">]><d xmlns="urn:x">&x;</d>',
    '<d xmlns="urn:x"><a xmlns:xl="http://www.w3.org/1999/xlink" xl:href="javascript:alert(1)"/></d>',
    '<d xmlns="urn:x"><m:math xmlns:m="http://www.w3.org/1998/Math/MathML"><m:maction actiontype="alert"/></m:math></d>',
])
def test_entities_javascript_links_and_other_browser_namespaces_are_removed(xml):
    assert_inert(strip_active_content(xml).replace("DOCTYPE", ""))


def assert_sandboxed_download(response, *, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == content_type
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy


def test_the_process_file_is_a_sandboxed_download_not_a_page(world):
    response = Client().get(f"/items/{world.item.code}/process.bpmn")
    assert_sandboxed_download(response, content_type="text/plain; charset=utf-8")
    assert b"<bpmn:definitions" in response.content  # the viewer still reads it with fetch()


def test_a_material_file_is_a_sandboxed_download_with_an_inert_type(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    material = CaseMaterial.objects.filter(case=case).first()
    client = Client()
    client.force_login(world.citizen)
    assert_sandboxed_download(client.get(f"/materials/{material.pk}/"), content_type="application/pdf")
    # a stored type outside the inert list (it should never be) is served as bytes
    CaseMaterial.objects.filter(pk=material.pk).update(content_type="text/html")
    assert_sandboxed_download(client.get(f"/materials/{material.pk}/"), content_type="application/octet-stream")
