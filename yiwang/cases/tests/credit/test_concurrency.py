"""A decision and a package submission on the same credit subject at the same moment, in real threads
(each with its own database connection, released together by a barrier), the subject's facts summary
not current (both compute the facts): the decision writes a
licence into the register (the subject's facts version bumped, its summary kept), each of the
package's members is evaluated by the joint rules (no summary kept inside the package's transaction)
and records a commitment (the version bumped again, the summary kept). Neither may deadlock; both
land; the summary ends current and true. On PostgreSQL this is the lock order between the subject's
row and its summary's row (every writer: the subject's, then the summary's); on SQLite the two
transactions are serialised by its write lock."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from yiwang.cases import services as case_services
from yiwang.cases.models import CaseStep, PackageApplication
from yiwang.cases.services import MaterialRef, stage_upload
from yiwang.cases.services.packages import submit_package
from yiwang.catalog import packages as catalog_packages
from yiwang.catalog.models import LifeEventPackage, PackageMember
from yiwang.core import calendar
from yiwang.credit import services
from yiwang.credit.facts import facts_by_index
from yiwang.credit.models import CreditFactsSummary, CreditRecord, CreditSubject, ItemCreditPolicy, RecordKind
from yiwang.credit.tests.conftest import company, penalty
from yiwang.testing import case_factories, factories, item_factories
from yiwang.testing.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def _commitment_package() -> LifeEventPackage:
    """Two members under 告知承诺制: the joint rules ask each for a commitment (a credit record)."""
    package = LifeEventPackage.objects.create(code="PKG-CREDIT", name="开店一件事", summary="开店", guide="一次办好")
    for order, code in enumerate(("PKG-A", "PKG-B"), start=1):
        item = item_factories.item(code, dept="SCJG")
        ItemCreditPolicy.objects.create(item=item, commitment_system=True)
        PackageMember.objects.create(package=package, item=item, optional=False, sort_order=order)
    return package


def _package_refs(user: Any, package: LifeEventPackage) -> list[MaterialRef]:
    groups = catalog_packages.combined_materials(package, catalog_packages.chosen_members(package, []))
    return [MaterialRef(material_id=g.key, upload_id=stage_upload(actor=user, file=factories.upload_file()).pk)
            for g in groups if g.required]


def test_a_decision_and_a_package_submission_on_one_subject_at_once_both_land_and_the_facts_stay_true(
        world, joint_rules):
    # given a company on file with a current facts summary, a licence case of it at its last step,
    # and a package of two commitment items it is about to submit
    user, firm = company("firm", "91330100MA2B3C4D5", "开店公司")
    penalty(firm, days_ago=800, number="罚旧1")
    licence_item = item_factories.item("LIC-1", dept="SCJG")
    case = case_factories.apply_online(user, firm, licence_item)
    case_services.accept_application(actor=world.clerk, case_id=case.pk)
    review = CaseStep.objects.get(case=case, status="open")
    case_services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=review.pk, decision="approve")
    decide = CaseStep.objects.get(case=case, status="open")
    package = _commitment_package()
    refs = _package_refs(user, package)
    subject = CreditSubject.objects.get(kind=firm.kind, id_index=firm.id_index)
    today = calendar.local_date(timezone.now())
    services.evaluate_joint_rules(item=licence_item, subject_kind=firm.kind, id_index=firm.id_index, now=timezone.now())
    # made stale by one more write, by hand (the version bumped, no summary kept), so that both the
    # decision's evaluation and the package's first member compute the facts
    penalty(firm, days_ago=700, number="罚旧2")
    services.bump_facts_version([subject.pk])
    assert CreditFactsSummary.objects.get(subject=subject).facts_version < CreditSubject.objects.get(
        pk=subject.pk).facts_version

    # when the decider approves while the company submits the package
    outcomes = race(
        lambda: case_services.complete_step(actor=world.decider, case_id=case.pk, step_id=decide.pk,
                                            decision="approve"),
        lambda: submit_package(actor=user, package=package, applicant=firm, form_data={"shop_name": "青禾小馆"},
                               materials=refs),
    )

    # then neither failed (no deadlock), and both landed: the licence in the register, the package's
    # two cases each with its commitment
    assert [o.error for o in outcomes] == [None, None], [repr(o.error) for o in outcomes]
    assert CreditRecord.objects.filter(subject=subject, kind=RecordKind.LICENCE, source_ref=f"case:{case.pk}").exists()
    application = PackageApplication.objects.get()
    cases = [member.case_id for member in application.members.all()]
    assert len(cases) == 2
    assert CreditRecord.objects.filter(subject=subject, kind=RecordKind.COMMITMENT,
                                       source_ref__in=[f"case:{pk}" for pk in cases]).count() == 2
    # and the facts an application sees are the register's: the last writer kept the summary under
    # the subject's last version, true
    truth = facts_by_index(firm.kind, firm.id_index, today)
    assert truth["licences"] >= 1 and truth["pending_commitments"] == 2
    summary = CreditFactsSummary.objects.get(subject=subject)
    version = CreditSubject.objects.get(pk=subject.pk).facts_version
    assert summary.facts_version == version
    assert (summary.licences, summary.pending_commitments) == (truth["licences"], 2)
    seen = services.evaluate_joint_rules(item=licence_item, subject_kind=firm.kind, id_index=firm.id_index,
                                         now=timezone.now())
    assert seen.facts["credit"] == truth
    assert CreditFactsSummary.objects.get(subject=subject).facts_version == version
