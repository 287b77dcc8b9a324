"""免提交: a material that shared data proves is obtained for the case instead of uploaded, and the
case record says which facts came from where."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from yiwang.cases import selectors, services
from yiwang.cases.models import CaseMaterial, MaterialSource
from yiwang.catalog.demo import seed_catalog
from yiwang.catalog.models import Material
from yiwang.core.demo import seed_core
from yiwang.core.models import Applicant
from yiwang.exchange.demo import seed_exchange
from yiwang.exchange.models import AccessLog
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(db):
    seed_core()
    seed_catalog()
    seed_exchange()


def test_the_id_card_is_obtained_by_sharing_with_the_case_as_purpose(county):
    # given the demo citizen and an item asking for their ID card, which 公安局's data proves
    user = get_user_model().objects.get(username="citizen")
    applicant = Applicant.objects.get(user=user)
    id_card = Material.objects.filter(name="申请人居民身份证", required=True, item__applicant_scope__in=["person", "both"],
                                      item__instant_rules__isnull=True).select_related("item").first()
    item = id_card.item
    refs = [services.MaterialRef(material_id=m.pk, upload_id=services.stage_upload(actor=user, file=factories.upload_file(
        "scan.pdf" if "pdf" in m.allowed_formats() else "scan.png",
        factories.PDF_BYTES if "pdf" in m.allowed_formats() else factories.PNG_BYTES)).pk)
        for m in item.materials.filter(required=True).exclude(pk=id_card.pk)]
    form = {f["name"]: (f.get("options") or ["示例"])[0] if f.get("type") != "number" else 1 for f in item.form_schema}

    # when they apply without uploading it
    case, _created = services.submit_application(actor=user, item=item, applicant=applicant, form_data=form, materials=refs)

    # then the material is on the case, obtained by sharing, with its facts and provenance
    shared = CaseMaterial.objects.get(case=case, material=id_card)
    assert shared.source == MaterialSource.SHARED and not shared.file
    assert shared.shared_facts["facts"]["name"] == applicant.name
    assert shared.shared_facts["resource"] == "GA_RKJBXX" and shared.shared_facts["response_sm3"]
    # and the access is logged with the case as its purpose, for the citizen's 数据使用记录
    assert AccessLog.objects.filter(case_reference=case.number).exists()
    submitted = selectors.case_timeline(case)[0]
    assert submitted.details["shared"] == ["申请人居民身份证"]
