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
