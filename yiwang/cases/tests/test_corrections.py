"""一次性告知: the window asks once for everything missing, the clock stands still, and the
applicant answers with every material named before the case can be accepted."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from yiwang.cases import selectors, services
from yiwang.cases.models import CaseMaterial, CaseStatus, CorrectionNotice
from yiwang.cases.services import MaterialRef
from yiwang.core.errors import Conflict, Forbidden, InvalidInput
from yiwang.core.models import AuditEvent
from yiwang.testing import case_factories, factories
from yiwang.testing.http import assert_error, bearer, post_json, upload

pytestmark = pytest.mark.django_db


def material(item, name):
    return item.materials.get(name=name)


def staged(user, name="scan.pdf"):
    return services.stage_upload(actor=user, file=factories.upload_file(name)).pk


def light(case):
    case.refresh_from_db()
    return selectors.sla_light(status=case.status, due_at=case.due_at, warn_at=case.warn_at, now=timezone.now())


def test_correction_names_the_materials_pauses_the_clock_and_needs_every_one_back(world):
    # given a submitted application
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    licence, premises = material(world.item, "身份证明"), material(world.item, "经营场所证明")

    # when the clerk asks, once, for two materials and explains why
    notice = services.request_correction(actor=world.clerk, case_id=case.pk, material_ids=[premises.pk, licence.pk],
                                         note="身份证明模糊；经营场所证明缺少产权人签字")

    # then the case waits for the applicant, its clock paused, and the notice is on record
    case.refresh_from_db()
    assert case.status == CaseStatus.CORRECTION and case.paused_at is not None
    assert light(case) == "paused"
    assert set(notice.materials.values_list("pk", flat=True)) == {licence.pk, premises.pk}
    requested = AuditEvent.objects.get(subject_id=str(case.pk), event_type="case_correction_requested")
    assert requested.details["materials"] == sorted([licence.pk, premises.pk])
    with pytest.raises(Conflict):
        services.accept_application(actor=world.clerk, case_id=case.pk)

    # when the applicant sends only one of them
    only_one = staged(world.citizen)
    with pytest.raises(InvalidInput) as err:
        services.supply_correction(actor=world.citizen, case_id=case.pk,
                                   materials=[MaterialRef(material_id=licence.pk, upload_id=only_one)])

    # then the answer is refused naming what is missing, and nothing changed
    assert err.value.code == "correction_incomplete"
    assert err.value.details == {"missing": [premises.pk]}
    assert "经营场所证明" in err.value.message
    case.refresh_from_db()
    assert case.status == CaseStatus.CORRECTION and case.paused_at is not None
    assert CaseMaterial.objects.get(pk=only_one).case_id is None
    notice.refresh_from_db()
    assert notice.answered_at is None

    # when the applicant sends both
    services.supply_correction(actor=world.citizen, case_id=case.pk, note="已补齐", materials=[
        MaterialRef(material_id=licence.pk, upload_id=only_one),
        MaterialRef(material_id=premises.pk, upload_id=staged(world.citizen)),
    ])

    # then the case is back at the window, the notice answered, the files attached, and it can be accepted
    case.refresh_from_db()
    notice.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.paused_at is None
    assert notice.answered_at is not None
    assert case.materials.filter(material=premises).count() == 2
    assert light(case) == "green"
    services.accept_application(actor=world.clerk, case_id=case.pk)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW


def test_a_note_only_correction_can_be_answered_without_files(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.request_correction(actor=world.clerk, case_id=case.pk, material_ids=[], note="请在申请表中填写经营面积")
    services.supply_correction(actor=world.citizen, case_id=case.pk, form_data={"area": "42"})
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.form_data == {"shop_name": "青禾小馆", "area": 42.0}


@pytest.mark.parametrize("note", ["", "   "])
def test_a_correction_must_say_what_is_missing(world, note):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    with pytest.raises(InvalidInput) as err:
        services.request_correction(actor=world.clerk, case_id=case.pk, material_ids=[], note=note)
    assert err.value.code == "reason_required"
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and not CorrectionNotice.objects.exists()


def test_a_correction_cannot_name_another_items_materials(world):
    # given an application for one item, and a material of another
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    foreign = world.countersign_item.materials.first()
    # when the clerk names it
    with pytest.raises(InvalidInput) as err:
        services.request_correction(actor=world.clerk, case_id=case.pk,
                                    material_ids=[material(world.item, "身份证明").pk, foreign.pk], note="补交")
    # then it is refused, naming it, and the clock still runs
    assert err.value.code == "material_not_of_item"
    assert err.value.details == {"material_ids": [foreign.pk]}
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.paused_at is None


def test_the_answer_cannot_attach_another_items_materials(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    licence = material(world.item, "身份证明")
    services.request_correction(actor=world.clerk, case_id=case.pk, material_ids=[licence.pk], note="补交")
    attached_before = case.materials.count()
    foreign = world.countersign_item.materials.first()
    with pytest.raises(InvalidInput) as err:
        services.supply_correction(actor=world.citizen, case_id=case.pk, materials=[
            MaterialRef(material_id=licence.pk, upload_id=staged(world.citizen)),
            MaterialRef(material_id=foreign.pk, upload_id=staged(world.citizen)),
        ])
    assert err.value.code == "material_not_of_item"
    case.refresh_from_db()
    assert case.status == CaseStatus.CORRECTION
    assert case.materials.count() == attached_before


def test_only_the_applicant_may_answer(world):
    # given a case waiting for correction, and another citizen with files of their own
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    licence = material(world.item, "身份证明")
    services.request_correction(actor=world.clerk, case_id=case.pk, material_ids=[licence.pk], note="补交")
    stranger, _applicant = factories.citizen("stranger", first17="11010119851111123", name="李四")
    # then neither the clerk nor the stranger may answer for the applicant
    for outsider in (world.clerk, stranger):
        with pytest.raises(Forbidden) as err:
            services.supply_correction(actor=outsider, case_id=case.pk,
                                       materials=[MaterialRef(material_id=licence.pk, upload_id=staged(outsider))])
        assert err.value.code == "not_your_case"
    case.refresh_from_db()
    assert case.status == CaseStatus.CORRECTION


def test_an_upload_already_attached_cannot_be_offered_again(world):
    # given the applicant's upload already attached to the case at submission
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    licence = material(world.item, "身份证明")
    used = case.materials.get(material=licence).pk
    services.request_correction(actor=world.clerk, case_id=case.pk, material_ids=[licence.pk], note="身份证明模糊")
    # when the applicant offers the same upload id as the answer
    with pytest.raises(InvalidInput) as err:
        services.supply_correction(actor=world.citizen, case_id=case.pk,
                                   materials=[MaterialRef(material_id=licence.pk, upload_id=used)])
    # then it is refused, and the case still waits
    assert err.value.code == "upload_already_used"
    assert err.value.details == {"upload_id": used}
    case.refresh_from_db()
    assert case.status == CaseStatus.CORRECTION


def test_a_correction_is_only_asked_for_before_acceptance(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    with pytest.raises(Conflict) as err:
        services.request_correction(actor=world.clerk, case_id=case.pk, material_ids=[], note="补交")
    assert err.value.code == "illegal_transition"
    with pytest.raises(Conflict):
        services.supply_correction(actor=world.citizen, case_id=case.pk)


def test_only_a_clerk_asks_for_a_correction(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    for outsider in (world.citizen, world.reviewer, world.supervisor):
        with pytest.raises(Forbidden):
            services.request_correction(actor=outsider, case_id=case.pk, material_ids=[], note="补交")


def test_correction_over_the_api(world):
    client = Client()
    citizen, clerk = bearer(client, "citizen"), bearer(client, "clerk")
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    licence, premises = material(world.item, "身份证明"), material(world.item, "经营场所证明")

    # the clerk's request needs content, and may only name this item's materials
    assert_error(post_json(client, f"/api/v1/cases/{case.number}/correction", {"material_ids": [], "note": ""}, clerk),
                 422, "reason_required")
    foreign = world.countersign_item.materials.first().pk
    assert_error(post_json(client, f"/api/v1/cases/{case.number}/correction",
                           {"material_ids": [foreign], "note": "x"}, clerk), 422, "material_not_of_item")
    # the citizen cannot ask for one
    assert_error(post_json(client, f"/api/v1/cases/{case.number}/correction",
                           {"material_ids": [licence.pk], "note": "x"}, citizen), 403, "not_your_step")

    asked = post_json(client, f"/api/v1/cases/{case.number}/correction",
                      {"material_ids": [licence.pk, premises.pk], "note": "两项材料需重新提交"}, clerk)
    assert asked.status_code == 200, asked.content
    assert (asked.json()["status"], asked.json()["next_actions"]) == ("correction", ["supply", "withdraw"])
    body = client.get(asked.json()["links"]["case"], **clerk).json()  # the full case (contract 1.1)
    assert body["status"] == "correction" and body["sla"] == "paused"
    assert body["corrections"] == [{"requested_at": body["corrections"][0]["requested_at"], "note": "两项材料需重新提交",
                                    "materials": ["身份证明", "经营场所证明"], "answered_at": None}]

    # the citizen's incomplete answer is refused naming the missing material
    first = upload(client, citizen).json()["id"]
    incomplete = post_json(client, f"/api/v1/cases/{case.number}/supply",
                           {"materials": [{"material_id": licence.pk, "upload_id": first}]}, citizen)
    err = assert_error(incomplete, 422, "correction_incomplete")
    assert "经营场所证明" in err["message"] and err["details"] == {"missing": [premises.pk]}
    # the clerk cannot answer for the citizen
    second = upload(client, citizen).json()["id"]
    answer = {"materials": [{"material_id": licence.pk, "upload_id": first},
                            {"material_id": premises.pk, "upload_id": second}], "note": "已补齐"}
    assert_error(post_json(client, f"/api/v1/cases/{case.number}/supply", answer, clerk), 403, "not_your_case")

    # the complete answer returns the case to the window, and a reused upload is refused afterwards
    done = post_json(client, f"/api/v1/cases/{case.number}/supply", answer, citizen)
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "submitted"
    assert client.get(done.json()["links"]["case"], **citizen).json()["corrections"][0]["answered_at"] is not None
    post_json(client, f"/api/v1/cases/{case.number}/correction", {"material_ids": [licence.pk], "note": "仍不清晰"}, clerk)
    reused = post_json(client, f"/api/v1/cases/{case.number}/supply",
                       {"materials": [{"material_id": licence.pk, "upload_id": first}]}, citizen)
    assert_error(reused, 422, "upload_already_used")
    accepted = post_json(client, f"/api/v1/cases/{case.number}/accept", {}, clerk)
    assert_error(accepted, 409, "illegal_transition")
