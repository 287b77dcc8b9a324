"""A decision letter is sealed with its department's electronic seal (电子签章) once the department has
one: a GB/T 38540 SES_Signature over the PDF that binds the case, the kind and the time; a department
without a seal still signs with the platform's SM2 key."""

from __future__ import annotations

import hashlib

import pytest

from yiwang.cases import services
from yiwang.cases.documents import SES_ALGORITHM, verify_document
from yiwang.cases.models import CaseDocument, CaseStep, DocumentKind, StepStatus
from yiwang.crypto.primitives import sm3_hex
from yiwang.testing import case_factories

pytestmark = pytest.mark.django_db


def _decided(world):
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    services.accept_application(actor=world.clerk, case_id=case.pk)
    for actor, name in ((world.reviewer, "审查"), (world.decider, "决定")):
        step = CaseStep.objects.get(case=case, name=name, status=StepStatus.OPEN)
        services.complete_step(actor=actor, case_id=case.pk, step_id=step.pk, decision="approve")
    return case


def test_the_decision_letter_carries_the_departments_seal_and_verifies(library):
    case = _decided(library.world)
    letter = CaseDocument.objects.get(case=case, kind=DocumentKind.APPROVAL_DECISION)
    seal = library.licence_type.department.seals.get(is_current=True)
    assert letter.algorithm == SES_ALGORITHM and letter.key_id == seal.key_id
    assert verify_document(letter).valid
    # the window's receipt: 政务服务中心 has no seal here, so the platform key signs it
    receipt = CaseDocument.objects.get(case=case, kind=DocumentKind.ACCEPTANCE_RECEIPT)
    assert receipt.algorithm != SES_ALGORITHM and verify_document(receipt).valid


def test_a_sealed_letter_edited_or_passed_off_as_another_document_fails(library):
    case = _decided(library.world)
    letter = CaseDocument.objects.get(case=case, kind=DocumentKind.APPROVAL_DECISION)
    with letter.file.open("rb") as handle:
        data = handle.read()
    # a PDF changed after sealing, with its stored digests rewritten to match, fails on the seal's hash
    forged = data + b"\n% appended after sealing\n"
    with open(letter.file.path, "wb") as handle:
        handle.write(forged)
    letter.sha256, letter.sm3 = hashlib.sha256(forged).hexdigest(), sm3_hex(forged)
    assert "data_hash_mismatch" in verify_document(letter).problem
    # the genuine file claimed as another kind of document fails on the statement the seal signed
    with open(letter.file.path, "wb") as handle:
        handle.write(data)
    letter.refresh_from_db()
    assert verify_document(letter).valid
    letter.kind = DocumentKind.DENIAL_DECISION
    assert verify_document(letter).problem == "the seal signed another document's statement"


def _letter(world):
    return CaseDocument.objects.get(case=_decided(world), kind=DocumentKind.APPROVAL_DECISION)


def test_a_seal_rotated_elsewhere_signs_the_next_letter_though_this_process_read_the_old_one(library):
    # given a letter sealed with 市场监管's seal, which this process now remembers
    from yiwang.licenses import selectors
    from yiwang.licenses import services as licence_services
    from yiwang.licenses.demo import department_uscc

    department = library.licence_type.department
    first = department.seals.get(is_current=True)
    assert _letter(library.world).key_id == first.key_id
    # when the seal is rotated (by another process: nothing here reads the new one)
    second = licence_services.create_seal(department=department, uscc=department_uscc("SCJG"),
                                          anchor=licence_services.ensure_demo_ca())
    assert selectors.remembered_seal(department).pk == first.pk
    # then the next letter is sealed with the new seal, and verifies
    letter = _letter(library.world)
    assert (letter.algorithm, letter.key_id) == (SES_ALGORITHM, second.key_id)
    assert verify_document(letter).valid
    assert selectors.remembered_seal(department).pk == second.pk


def test_a_withdrawn_seal_signs_nothing_more_and_a_new_one_signs_at_once(world):
    # given 市场监管 with a seal, remembered by this process from a letter it sealed
    from yiwang.licenses import services as licence_services
    from yiwang.licenses.demo import department_uscc
    from yiwang.licenses.models import DepartmentSeal
    from yiwang.testing import factories

    department = factories.department("SCJG")
    anchor = licence_services.ensure_demo_ca()
    seal = licence_services.create_seal(department=department, uscc=department_uscc("SCJG"), anchor=anchor)
    assert _letter(world).key_id == seal.key_id
    # when the seal is withdrawn (no current seal left)
    DepartmentSeal.objects.filter(pk=seal.pk).update(is_current=False)
    # then the next letter is signed with the platform's key, not the withdrawn seal
    letter = _letter(world)
    assert letter.algorithm != SES_ALGORITHM and letter.key_id != seal.key_id and verify_document(letter).valid
    # and a seal made after that signs the letter after it (this process remembered "no seal")
    new = licence_services.create_seal(department=department, uscc=department_uscc("SCJG"), anchor=anchor)
    letter = _letter(world)
    assert (letter.algorithm, letter.key_id) == (SES_ALGORITHM, new.key_id) and verify_document(letter).valid
