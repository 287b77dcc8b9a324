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
from yiwang.testing import case_factories

pytestmark = pytest.mark.django_db


def citizen_and_id_card_item():
    """The demo citizen, and an item (without instant rules) asking for their ID card."""
    user = get_user_model().objects.get(username="citizen")
    id_card = Material.objects.filter(name="申请人居民身份证", required=True, item__applicant_scope__in=["person", "both"],
                                      item__instant_rules__isnull=True).select_related("item").first()
    return user, Applicant.objects.get(user=user), id_card, id_card.item


def sample_form(item):
    return {f["name"]: (f.get("options") or ["示例"])[0] if f.get("type") != "number" else 1 for f in item.form_schema}


@pytest.fixture
def county(db):
    seed_core()
    seed_catalog()
    seed_exchange()


def test_the_id_card_is_obtained_by_sharing_with_the_case_as_purpose(county):
    # given the demo citizen and an item asking for their ID card, which 公安局's data proves
    user, applicant, id_card, item = citizen_and_id_card_item()
    refs = case_factories.required_material_refs(user, item, exclude=(id_card.pk,))
    form = sample_form(item)

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


def test_instant_rules_see_the_facts_data_sharing_proved_for_the_case(county):
    from yiwang.cases.models import InstantDecision
    from yiwang.cases.services.instant import applicant_facts

    # given the citizen applying without uploading the ID card that 公安局's data proves
    user, applicant, id_card, item = citizen_and_id_card_item()
    refs = case_factories.required_material_refs(user, item, exclude=(id_card.pk,))
    case, _created = services.submit_application(actor=user, item=item, applicant=applicant, form_data=sample_form(item),
                                                 materials=refs)
    # then the facts rules may read include what sharing proved, by resource
    facts = applicant_facts(applicant, case, case.submitted_at)
    assert facts["shared"]["GA_RKJBXX"]["name"] == applicant.name
    assert not InstantDecision.objects.filter(case=case).exists()  # this item has no rules: nothing decided
