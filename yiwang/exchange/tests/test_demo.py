"""The demo seed: resources from many departments, rows for the demo people, idempotent."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.catalog.demo import seed_catalog
from yiwang.core.demo import seed_core
from yiwang.core.ids import is_valid_citizen_id, is_valid_uscc
from yiwang.exchange import services
from yiwang.exchange.demo import population, seed_exchange
from yiwang.exchange.models import (
    AccessLog,
    DataResource,
    Dataset,
    LookupReview,
    MaterialProof,
    NegativeListEntry,
    Subscription,
)
from yiwang.exchange.policy import Consumer

pytestmark = pytest.mark.django_db


def test_demo_seed_is_rich_consistent_and_idempotent():
    # given
    core = seed_core()
    seed_catalog()
    # when
    first = seed_exchange()
    second = seed_exchange()
    # then
    resources = DataResource.objects.all()
    assert resources.count() >= 8 and len({r.provider_id for r in resources}) >= 6
    assert sum(r.row_count for r in resources) >= 5000
    assert first["counts"]["rows_loaded"] == sum(r.row_count for r in resources)
    assert not any(second["counts"].values())
    assert NegativeListEntry.objects.count() >= 4 and Subscription.objects.filter(status="approved").count() >= 5
    assert set(Subscription.objects.values_list("status", flat=True)) >= {"pending", "approved", "refused", "revoked"}
    assert MaterialProof.objects.count() >= 5
    hy = Dataset.objects.get(resource__code="MZ_HYDJ")
    assert hy.rows_rejected > 0 and hy.conflicts > 0
    people, orgs = population()
    assert all(is_valid_citizen_id(p["id_number"]) for p in people) and all(is_valid_uscc(o["id_number"]) for o in orgs)
    # the demo citizen is found in 人口基础信息 under her own name
    from yiwang.core.models import Applicant, Department

    citizen = Applicant.objects.get(pk=core["applicants"]["citizen"])
    facts = services.lookup(consumer=Consumer(department=Department.objects.get(code="ZWFW")), resource_code="GA_RKJBXX",
                            key=citizen.id_number, fields=["name"])
    assert facts.data == {"name": citizen.name[0] + "*" * (len(citizen.name) - 1)} or facts.data == {"name": citizen.name}
    # and sees the demo accesses to her data
    client = Client()
    client.force_login(citizen.user)
    page = client.get("/me/data-usage/").content.decode()
    assert "县市场监督管理局" in page and "企业开办咨询：核验拟任法定代表人的身份信息" in page
    # the seeded uses are what they say (staff at a counter, with a reason the steward reviews), never
    # a case number the person cannot open
    seeded = AccessLog.objects.filter(channel="web")
    assert seeded.count() == 4 and not seeded.exclude(case_reference="").exists()
    assert not AccessLog.objects.filter(case_reference__startswith="DEMO-").exists()
    assert LookupReview.objects.filter(access__in=seeded, status="pending").count() == 4
