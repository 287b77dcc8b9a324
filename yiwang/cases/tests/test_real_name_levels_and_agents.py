"""Real-name levels (L2 through the gateway, L3 at the window), items that require a level, and
委托代办 — on the demo county, through the real services and the real gateway."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from yiwang.cases import services as cases
from yiwang.catalog.demo import seed_catalog
from yiwang.catalog.models import ServiceItem
from yiwang.core.demo import seed_core
from yiwang.core.errors import DomainError, Forbidden, InvalidInput
from yiwang.core.models import Applicant, AuditEvent, RealNameLevel
from yiwang.exchange.demo import seed_exchange
from yiwang.exchange.models import AccessLog
from yiwang.identity import services
from yiwang.identity.demo import seed_identity
from yiwang.identity.models import Authorisation, Verification
from yiwang.identity.permissions import level_of
from yiwang.identity.tests.helpers import register
from yiwang.testing import case_factories, factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(db):
    seed_core()
    seed_catalog()
    seed_exchange()
    seed_identity()
    return {u.username: u for u in get_user_model().objects.filter(username__in=["citizen", "citizen2", "enterprise",
                                                                                 "clerk", "supervisor"])}


def sample_form(item):
    return {f["name"]: (f.get("options") or ["示例"])[0] if f.get("type") != "number" else 1 for f in item.form_schema}


def apply(user, item, applicant=None):
    applicant = applicant or Applicant.objects.get(user=user)
    refs = case_factories.required_material_refs(user, item)
    return cases.submit_application(actor=user, item=item, applicant=applicant, form_data=sample_form(item),
                                    materials=refs)[0]


def test_the_demo_accounts_reached_their_levels_through_the_real_checks(county):
    levels = {u: level_of(Applicant.objects.get(user__username=u)) for u in ("citizen", "citizen2", "enterprise")}
    assert levels == {"citizen": 2, "citizen2": 3, "enterprise": 2}
    checked = Verification.objects.filter(method="population", outcome="passed").values_list("access_id", flat=True)
    # each online check is a row of the gateway's access log, with its purpose
    assert AccessLog.objects.filter(pk__in=list(checked), resource_code="GA_RKJBXX", outcome="served").count() == 2


def test_a_person_reaches_l2_through_the_gateway_and_the_read_is_logged(county):
    # given a newly registered person who is in 公安's population resource
    from yiwang.exchange.demo import population

    person = population()[0][-1]
    user = register("13912345678", first17=person["id_number"][:17], name=person["name"])
    before = AccessLog.objects.count()
    # when they ask for the online check
    row = services.verify_online(actor=user)
    # then they are L2, and the read went through the policy into the access log, under their name
    applicant = Applicant.objects.get(user=user)
    assert level_of(applicant) == RealNameLevel.L2 and row.access_id
    log = AccessLog.objects.get(pk=row.access_id)
    assert AccessLog.objects.count() == before + 1 and log.actor_id == user.pk and log.consumer.is_service_centre
    assert "实名核验" in log.purpose and AuditEvent.objects.filter(event_type="identity_level_raised").exists()


def test_a_name_that_does_not_match_the_population_resource_fails_and_is_recorded(county):
    from yiwang.exchange.demo import population

    person = population()[0][-2]
    user = register("13912345678", first17=person["id_number"][:17], name=person["name"] + "某")
    with pytest.raises(InvalidInput) as refused:
        services.verify_online(actor=user)
    assert refused.value.code == "verification_failed"
    applicant = Applicant.objects.get(user=user)
    assert level_of(applicant) == RealNameLevel.L1
    assert Verification.objects.filter(applicant=applicant, outcome="failed", reason="name").exists()


def test_without_the_service_centres_subscription_the_check_is_unavailable_not_a_crash(county):
    from yiwang.exchange.demo import population
    from yiwang.exchange.models import Subscription, SubscriptionStatus

    Subscription.objects.filter(purpose__startswith="实名核验").update(status=SubscriptionStatus.REVOKED)
    person = population()[0][-3]
    user = register("13912345678", first17=person["id_number"][:17], name=person["name"])
    with pytest.raises(DomainError) as refused:
        services.verify_online(actor=user)
    assert refused.value.code == "verification_unavailable" and refused.value.status == 409
    assert AccessLog.objects.filter(actor=user, outcome="refused").exists()  # the refusal is logged too


def test_only_a_window_clerk_records_l3(county):
    applicant = Applicant.objects.get(user=county["citizen"])
    with pytest.raises(Forbidden):
        services.verify_at_window(actor=county["supervisor"], applicant=applicant, document_checked=True, note="身份证原件")
    with pytest.raises(InvalidInput):
        services.verify_at_window(actor=county["clerk"], applicant=applicant, document_checked=False, note="身份证原件")
    services.verify_at_window(actor=county["clerk"], applicant=applicant, document_checked=True, note="身份证原件，人证一致")
    assert level_of(applicant) == RealNameLevel.L3
    event = AuditEvent.objects.filter(event_type="identity_level_raised", actor=county["clerk"]).latest("id")
    assert event.details["level"] == 3 and event.actor_department.is_service_centre


def test_an_item_requiring_a_higher_level_refuses_with_the_way_to_raise_it(county):
    # given citizen at L2 and an item requiring L3
    item = ServiceItem.objects.get(name="不动产继承登记")
    assert item.required_level == RealNameLevel.L3
    with pytest.raises(Forbidden) as refused:
        apply(county["citizen"], item)
    assert refused.value.code == "real_name_level_too_low"
    assert refused.value.details["required_level"] == 3 and refused.value.details["current_level"] == 2
    assert "窗口" in refused.value.message
    # and after the window check the same application goes in
    services.verify_at_window(actor=county["clerk"], applicant=Applicant.objects.get(user=county["citizen"]),
                              document_checked=True, note="身份证原件，人证一致")
    assert apply(county["citizen"], item).number


def test_a_fresh_l1_account_is_refused_an_l2_item():
    seed_core()
    seed_catalog()
    item = ServiceItem.objects.filter(applicant_scope__in=["person", "both"]).first()
    ServiceItem.objects.filter(pk=item.pk).update(required_level=RealNameLevel.L2)
    item.refresh_from_db()
    user = register("13912345678")
    with pytest.raises(Forbidden) as refused:
        apply(user, item)
    assert refused.value.details["current_level"] == 1


# ------------------------------------------------------------------------------ 委托代办


def test_the_agent_applies_within_the_scope_and_the_case_records_both(county):
    elder = Applicant.objects.get(user=county["citizen2"])
    agent = Applicant.objects.get(user=county["citizen"])
    item = ServiceItem.objects.get(name="无犯罪记录证明")
    case = apply(county["citizen"], item, applicant=elder)
    assert case.applicant_id == elder.pk and case.agent_id == agent.pk and case.submitted_by_id == county["citizen"].pk
    assert case.authorisation.principal_id == elder.pk
    event = AuditEvent.objects.get(event_type="case_submitted", subject_id=str(case.pk))
    assert event.details["agent"] == agent.pk
    # the principal sees the case as theirs
    from yiwang.cases.selectors import applicant_cases

    assert case in applicant_cases(county["citizen2"])
    # and the case page names the agent to the principal
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(county["citizen2"])
    page = client.get(reverse("cases:my_case", args=[case.number])).content.decode()
    assert 'id="case-agent"' in page and agent.name in page
    # and 我的办件 lists it among the cases others made for them, naming the agent
    mine = client.get(reverse("cases:my_cases")).content.decode()
    made_for_me = mine.split('id="made-for-me"', 1)[1]
    assert case.number in made_for_me and agent.name in made_for_me


def test_the_agent_is_refused_outside_the_scope_after_expiry_after_revocation_and_without_one(county):
    elder = Applicant.objects.get(user=county["citizen2"])
    item = ServiceItem.objects.get(name="无犯罪记录证明")

    def refusal(user, it, applicant):
        with pytest.raises(Forbidden) as refused:
            apply(user, it, applicant=applicant)
        return refused.value.code

    # outside the scope
    assert refusal(county["citizen"], ServiceItem.objects.get(name="高龄津贴申领"), elder) == "authorisation_out_of_scope"
    # never authorised the other way round
    assert refusal(county["citizen2"], item, Applicant.objects.get(user=county["citizen"])) == "not_authorised_agent"
    # after expiry
    authorisation = Authorisation.objects.get(principal=elder)
    until = authorisation.valid_until
    Authorisation.objects.filter(pk=authorisation.pk).update(valid_until=timezone.now() - dt.timedelta(minutes=1))
    assert refusal(county["citizen"], item, elder) == "authorisation_expired"
    Authorisation.objects.filter(pk=authorisation.pk).update(valid_until=until)
    # after revocation (audited), and it cannot be revoked twice
    services.revoke_authorisation(actor=county["citizen2"], authorisation=authorisation, reason="不再需要")
    assert AuditEvent.objects.filter(event_type="identity_authorisation_revoked", subject_id=str(authorisation.pk)).exists()
    assert refusal(county["citizen"], item, elder) == "authorisation_revoked"
    with pytest.raises(DomainError):
        services.revoke_authorisation(actor=county["citizen2"], authorisation=authorisation)
    # a stranger cannot even see it to revoke it
    with pytest.raises(DomainError) as refused:
        services.revoke_authorisation(actor=county["enterprise"], authorisation=authorisation)
    assert refused.value.status == 404


def test_an_l1_principal_cannot_authorise_online_but_the_window_can_from_paper(county):
    user = register("13912345678")
    principal = Applicant.objects.get(user=user)
    until = timezone.now() + dt.timedelta(days=30)
    agent = Applicant.objects.get(user=county["citizen"])
    with pytest.raises(Forbidden) as refused:
        services.grant_authorisation(actor=user, principal=principal, agent_id_number=agent.id_number,
                                     agent_name=agent.name, all_items=True, valid_until=until)
    assert refused.value.code == "real_name_level_too_low"
    with pytest.raises(InvalidInput):  # the window needs the paper's reference
        services.grant_authorisation(actor=county["clerk"], principal=principal, agent_id_number=agent.id_number,
                                     agent_name=agent.name, all_items=True, valid_until=until)
    made = services.grant_authorisation(actor=county["clerk"], principal=principal, agent_id_number=agent.id_number,
                                        agent_name=agent.name, all_items=True, valid_until=until,
                                        paper_reference="WT-2026-0001")
    assert made.source == "window" and made.paper_reference == "WT-2026-0001"


BAD_AUTHORISATIONS = [
    ({"agent_name": "别人"}, "agent_invalid"),
    ({"agent_id_number": "wrong-check-digit"}, "invalid_citizen_id"),
    ({"all_items": False, "item_codes": []}, "authorisation_scope_invalid"),
    ({"all_items": False, "item_codes": ["NOPE-1"]}, "authorisation_scope_invalid"),
    ({"valid_until": "past"}, "authorisation_validity_invalid"),
    ({"valid_until": "far"}, "authorisation_validity_invalid"),
    ({"agent_id_number": "self", "agent_name": "self"}, "agent_invalid"),
]


def test_bad_authorisations_are_refused(county):
    elder = Applicant.objects.get(user=county["citizen2"])
    agent = Applicant.objects.get(user=county["citizen"])
    good = factories.citizen_id("33099919800101123")
    for change, code in BAD_AUTHORISATIONS:
        args = {"agent_id_number": agent.id_number, "agent_name": agent.name, "all_items": True,
                "valid_until": timezone.now() + dt.timedelta(days=30), **change}
        args["valid_until"] = {"past": timezone.now() - dt.timedelta(days=1),
                               "far": timezone.now() + dt.timedelta(days=1000)}.get(args["valid_until"], args["valid_until"])
        if args["agent_id_number"] == "wrong-check-digit":
            args["agent_id_number"] = good[:17] + ("0" if good[17] != "0" else "1")
        if args["agent_id_number"] == "self":
            args["agent_id_number"], args["agent_name"] = elder.id_number, elder.name
        with pytest.raises(InvalidInput) as refused:
            services.grant_authorisation(actor=county["citizen2"], principal=elder, **args)
        assert refused.value.code == code, (change, refused.value.code)
