"""The demo keeps every 免提交 promise it makes: for every item of the demo catalogue, every material
that data sharing proves is promised to each demo applicant the item serves, and obtained for
them through the real service path (the policy, the gateway, the access log) — the issue's
refusal "县公安局 没有 GA_RKJBXX 的有效共享订阅" can no longer happen to them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from yiwang.cases import services
from yiwang.cases.models import CaseMaterial, MaterialSource
from yiwang.catalog.demo import seed_catalog
from yiwang.catalog.models import ServiceItem
from yiwang.catalog.selectors import Provision, material_provisions
from yiwang.core.demo import seed_core
from yiwang.core.models import Applicant
from yiwang.exchange.demo import seed_exchange
from yiwang.exchange.models import AccessLog
from yiwang.exchange.selectors import materials_provable_by_sharing
from yiwang.exchange.services import prove_materials
from yiwang.testing import case_factories

pytestmark = pytest.mark.django_db

DEMO_APPLICANTS = ("citizen", "citizen2", "enterprise")


@pytest.fixture
def demo(db):
    seed_core()
    seed_catalog()
    seed_exchange()
    return {a.user.username: a for a in Applicant.objects.filter(user__username__in=DEMO_APPLICANTS).select_related("user")}


def test_every_demo_items_免提交_is_promised_and_obtained_for_every_demo_applicant_it_serves(demo):
    # given every active item with a material that data sharing proves
    items = list(ServiceItem.objects.filter(is_active=True, materials__sharing_proofs__isnull=False).distinct()
                 .select_related("department").prefetch_related("materials"))
    assert len(items) >= 30 and len({i.department_id for i in items}) >= 5
    walked, owner_reads, broken = 0, 0, []
    for item in items:
        for name, applicant in demo.items():
            if not item.accepts(applicant.kind):
                continue
            proofs = materials_provable_by_sharing(item=item, applicant=applicant)
            if not proofs:
                continue
            # when the rule says how they provide each material
            provisions = material_provisions(item, applicant)
            promised = {m for m, how in provisions.items() if how == Provision.SHARING}
            # then every proof for their kind of ID is promised (the seed leaves none unfulfillable)…
            for proof in proofs:
                if proof.material_id not in promised:
                    broken.append((item.code, item.name, name, proof.material.name, "not promised"))
            # …and each promise is kept: fetched for a case, through the policy and the access log
            results = prove_materials(item=item, applicant=applicant, consumer_department=item.department,
                                      case_reference=f"WALK-{item.code}-{name}", actor=None, material_ids=promised)
            for result in results:
                walked += 1
                owner_reads += result.facts is not None and result.facts.provider == item.department.code
                if not result.proven:
                    broken.append((item.code, item.name, name, result.material_name, result.code))
    assert not broken, "\n".join(map(str, broken))
    # the walk did what it says: hundreds of reads, many of them a department's own data, all logged
    assert walked >= 300 and owner_reads >= 30
    assert AccessLog.objects.filter(case_reference__startswith="WALK-", outcome="served").count() == walked


@pytest.mark.parametrize("name, username", [
    ("不动产登记（二手房转移登记）", "citizen"),
    ("居住证申领", "citizen"),
    ("食品经营许可", "enterprise"),
])
def test_the_issues_items_are_submitted_with_their_免提交_materials_left_empty(demo, name, username):
    # given the items the issue names, and the demo applicant leaving every green-badged material empty
    user = get_user_model().objects.get(username=username)
    applicant = demo[username]
    item = ServiceItem.objects.get(name=name)
    provisions = material_provisions(item, applicant)
    shared = {m for m, how in provisions.items() if how == Provision.SHARING}
    assert shared, f"{name}: nothing promised"
    refs = case_factories.required_material_refs(user, item, exclude=tuple(shared))
    form = {f["name"]: (f.get("options") or ["2026-01-05" if f.get("type") == "date" else "示例"])[0]
            if f.get("type") != "number" else 1 for f in item.form_schema}
    # when they submit
    case, created = services.submit_application(actor=user, item=item, applicant=applicant, form_data=form, materials=refs)
    # then each promised material is on the case, obtained by sharing
    assert created
    got = set(CaseMaterial.objects.filter(case=case, source=MaterialSource.SHARED).values_list("material_id", flat=True))
    assert got == shared
    assert AccessLog.objects.filter(case_reference=case.number, outcome="served").count() == len(shared)
