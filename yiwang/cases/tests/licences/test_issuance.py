"""Issuance: from a case decided in favour (people and 秒批) in the decision's transaction; the seal is
a standard object that OpenSSL can check; the ledger records it."""

from __future__ import annotations

import base64
import subprocess  # nosec B404 - tests call the openssl CLI as an independent verifier
from pathlib import Path

import pytest
from asn1crypto import pem, x509

from yiwang.cases import services as case_services
from yiwang.cases.models import CaseDocument, CaseStep, DocumentKind, StepStatus
from yiwang.cases.services import outputs
from yiwang.crypto.primitives import sm3
from yiwang.ledger.models import LedgerEntry
from yiwang.licenses import asn1, rendering
from yiwang.licenses.models import DepartmentSeal, Licence, TrustAnchor
from yiwang.licenses.verification import check_licence
from yiwang.testing import case_factories, item_factories

pytestmark = pytest.mark.django_db


def decide(world, case):
    case_services.accept_application(actor=world.clerk, case_id=case.pk)
    for actor, name in ((world.reviewer, "审查"), (world.decider, "决定")):
        step = CaseStep.objects.get(case=case, name=name, status=StepStatus.OPEN)
        case_services.complete_step(actor=actor, case_id=case.pk, step_id=step.pk, decision="approve")


def test_a_case_decided_in_favour_issues_the_licence_and_the_case_names_it(library, client):
    world = library.world
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    assert not Licence.objects.exists()
    decide(world, case)
    licence = Licence.objects.get(case_number=case.number)
    assert licence.holder == world.applicant and licence.data == {"shop_name": "青禾小馆"}
    assert check_licence(licence).status == "valid"
    client.force_login(world.citizen)
    body = client.get(f"/api/v1/cases/{case.number}").json()
    assert body["licences"] == [{"number": licence.number, "name": "食品经营许可证", "status": "active",
                                 "url": f"/api/v1/licences/{licence.number}"}]


def test_a_denied_case_issues_nothing(library):
    world = library.world
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    case_services.accept_application(actor=world.clerk, case_id=case.pk)
    step = CaseStep.objects.get(case=case, name="审查", status=StepStatus.OPEN)
    case_services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=step.pk, decision="approve")
    step = CaseStep.objects.get(case=case, name="决定", status=StepStatus.OPEN)
    case_services.complete_step(actor=world.decider, case_id=case.pk, step_id=step.pk, decision="deny", comment="不符合条件")
    assert not Licence.objects.exists()


def test_when_issuing_fails_the_decision_rolls_back_with_it(library):
    world = library.world
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    case_services.accept_application(actor=world.clerk, case_id=case.pk)
    step = CaseStep.objects.get(case=case, name="审查", status=StepStatus.OPEN)
    case_services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=step.pk, decision="approve")
    DepartmentSeal.objects.filter(department__code="SCJG").update(is_current=False)  # no seal: cannot issue
    step = CaseStep.objects.get(case=case, name="决定", status=StepStatus.OPEN)
    from yiwang.core.errors import Conflict

    with pytest.raises(Conflict) as exc:
        case_services.complete_step(actor=world.decider, case_id=case.pk, step_id=step.pk, decision="approve")
    assert exc.value.code == "licence_no_seal"
    case.refresh_from_db()
    assert case.outcome == "" and CaseStep.objects.get(pk=step.pk).status == StepStatus.OPEN


def test_instant_approval_issues_the_licence_in_the_same_request(library):
    from yiwang.cases.tests.test_instant import FORM, RULES
    from yiwang.catalog.services import publish_rule_set_version

    world = library.world
    item = item_factories.item("RS-CARD", dept="SCJG", form_schema=FORM,
                          stages=[{"id": "decide", "name": "决定", "dept": "SCJG", "role": "decider"}],
                          materials=(("身份证明", True),))
    publish_rule_set_version(actor=None, key="card", name="补领规则", dmn_xml=RULES, items=[item])
    item.refresh_from_db()
    library.licence_type.items.add(item)
    refs = case_factories.required_material_refs(world.citizen, item)
    case, _ = case_services.submit_application(actor=world.citizen, item=item, applicant=world.applicant,
                                               form_data={"reported_loss": "是", "months": 12}, materials=refs)
    case.refresh_from_db()
    assert case.decided_by_rules
    assert Licence.objects.filter(case_number=case.number).count() == 1


def test_issuance_is_a_ledger_entry_without_personal_data(library):
    licence = library.issue()
    entry = LedgerEntry.objects.get(index=licence.ledger_index)
    assert entry.kind == "licence" and entry.reference == f"licence:{licence.identifier}:issued"
    assert library.world.applicant.name not in entry.payload and library.world.applicant.id_number not in entry.payload
    assert licence.file_sm3 in entry.payload


def _pem(path: Path, der: bytes) -> str:
    path.write_bytes(pem.armor("CERTIFICATE", der))
    return str(path)


def test_openssl_accepts_the_certificates_and_the_seal_signature(library, tmp_path):
    """The department certificate chains to the county CA, and the SES_Signature's SM2 signature
    over DER(TBS_Sign) verifies with OpenSSL's own SM2 (user ID 1234567812345678)."""
    licence = library.issue()
    ca = _pem(tmp_path / "ca.pem", bytes(TrustAnchor.objects.get(is_demo=True).certificate))
    dept = _pem(tmp_path / "dept.pem", bytes(licence.seal.certificate))
    # OpenSSL 3.0 verifies SM2 certificate signatures with the empty ID unless told the GM/T 0009 one
    out = subprocess.run(["openssl", "verify", "-vfyopt", "distid:1234567812345678", "-CAfile", ca, dept],
                         capture_output=True, text=True, check=False)  # nosec B603 B607
    assert out.returncode == 0, out.stderr
    with licence.file.open("rb") as handle:
        signed, signature_der = rendering.split_sealed(handle.read())
    sig = asn1.SESSignature.load(signature_der)
    assert sig["toSign"]["version"].native == 4 and sig["toSign"]["dataHash"].native == sm3(signed)
    assert sig["toSign"]["eseal"]["esealInfo"]["header"]["ID"].native == "ES"
    (tmp_path / "tbs.der").write_bytes(sig["toSign"].dump())
    (tmp_path / "sig.der").write_bytes(sig["signature"].native)
    pub = x509.Certificate.load(bytes(sig["cert"].native)).public_key.dump()
    (tmp_path / "pub.pem").write_bytes(pem.armor("PUBLIC KEY", pub))
    args = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "pub.pem"), "-rawin", "-digest", "sm3",
            "-pkeyopt", "distid:1234567812345678", "-in", str(tmp_path / "tbs.der"), "-sigfile", str(tmp_path / "sig.der")]
    out = subprocess.run(args, capture_output=True, text=True, check=False)  # nosec B603 B607
    assert out.returncode == 0 and "Signature Verified Successfully" in out.stdout, out.stdout + out.stderr
    # and a changed TBS is refused by OpenSSL too (the check above is not vacuous)
    (tmp_path / "tbs.der").write_bytes(sig["toSign"].dump()[:-1] + b"\x00")
    out = subprocess.run(args, capture_output=True, text=True, check=False)  # nosec B603 B607
    assert out.returncode != 0


def test_the_pdf_is_a_pdf_with_the_seal_appended(library):
    licence = library.issue()
    with licence.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-") and data.endswith(rendering.TRAILER_END)
    signed, signature = rendering.split_sealed(data)
    assert signature == bytes(licence.signature) and base64.b64encode(signature) in data
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)  # still opens with a PDF reader after sealing
    text = pdf[0].get_textpage().get_text_range()
    assert "食品经营许可证" in text and "青禾小馆" in text


def test_numbers_follow_each_other_per_type(library):
    first, second = library.issue(), library.issue(holder=library.other_applicant)
    assert first.serial + 1 == second.serial and first.number != second.number


def test_issuing_for_a_case_again_returns_its_licence_and_issues_nothing_more(library):
    from yiwang.licenses.services import issue_for_case

    # given a case decided in favour, its licence issued
    world = library.world
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    decide(world, case)
    case.refresh_from_db()
    licence = Licence.objects.get(case_number=case.number)
    # when the decision's issuance runs again for that case (a retry)
    again = issue_for_case(item_id=case.item_id, holder=world.applicant, form=case.form_data, case_number=case.number,
                           actor=None, now=case.decided_at)
    # then it answers the licence already issued, and no second one exists
    assert [x.pk for x in again] == [licence.pk]
    assert Licence.objects.filter(holder=world.applicant).count() == 1


def test_a_decision_that_fails_after_its_licence_leaves_no_licence_and_no_file(library, settings, monkeypatch):
    # given a case about to be decided in favour, whose decision fails after the letter and the
    # licence were written (the notice to the applicant raises)
    world = library.world
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    case_services.accept_application(actor=world.clerk, case_id=case.pk)
    step = CaseStep.objects.get(case=case, name="审查", status=StepStatus.OPEN)
    case_services.complete_step(actor=world.reviewer, case_id=case.pk, step_id=step.pk, decision="approve")
    media = Path(settings.MEDIA_ROOT)
    stored_before = {p for p in media.rglob("*") if p.is_file()}
    issued = []

    def notice_fails(case, event, **params):
        issued.append(Licence.objects.filter(case_number=case.number).count())
        raise RuntimeError("the notice failed")

    monkeypatch.setattr(outputs, "_notify", notice_fails)
    step = CaseStep.objects.get(case=case, name="决定", status=StepStatus.OPEN)
    with pytest.raises(RuntimeError):
        case_services.complete_step(actor=world.decider, case_id=case.pk, step_id=step.pk, decision="approve")

    # then the licence had been issued inside the decision, and now nothing of it is left: no licence,
    # no letter, and no file of either on disk; the step is still open
    assert issued == [1]
    assert not Licence.objects.exists()
    assert not CaseDocument.objects.filter(case=case, kind=DocumentKind.APPROVAL_DECISION).exists()
    assert {p for p in media.rglob("*") if p.is_file()} == stored_before
    assert CaseStep.objects.get(pk=step.pk).status == StepStatus.OPEN
