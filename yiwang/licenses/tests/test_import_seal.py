"""Real deployments import their own key and certificate; what does not match is refused."""

from __future__ import annotations

from io import StringIO

import pytest
from asn1crypto import pem
from django.core.management import CommandError, call_command
from django.utils import timezone

from yiwang.crypto.sm2 import Sm2Key
from yiwang.licenses import seals
from yiwang.licenses.demo import department_uscc
from yiwang.licenses.models import DepartmentSeal
from yiwang.licenses.verification import check_licence

pytestmark = pytest.mark.django_db


def files(tmp_path, *, key=None, cert_key=None):
    now = timezone.now()
    ca_cert, ca_key = seals.new_ca(name="省电子认证中心", now=now)
    key = key or Sm2Key.generate()
    cert = seals.issue_certificate(ca_cert=ca_cert, ca_key_pem=ca_key, subject_name="市场监管局", organisation="市场监管局",
                                   public_der=(cert_key or key).public_der(), now=now)
    (tmp_path / "key.pem").write_bytes(key.private_pem())
    (tmp_path / "cert.pem").write_bytes(pem.armor("CERTIFICATE", cert))
    (tmp_path / "ca.pem").write_bytes(pem.armor("CERTIFICATE", ca_cert))
    return ["--key", str(tmp_path / "key.pem"), "--cert", str(tmp_path / "cert.pem"), "--ca", str(tmp_path / "ca.pem")]


def test_an_imported_seal_signs_and_its_licences_verify(library, tmp_path):
    args = files(tmp_path)
    call_command("import_seal", "--department", "SCJG", "--uscc", department_uscc("SCJG"), *args, stdout=StringIO())
    seal = DepartmentSeal.objects.get(department__code="SCJG", is_current=True)
    assert not seal.anchor.is_demo
    licence = library.issue()
    assert licence.seal == seal and check_licence(licence).status == "valid"


def test_a_key_that_is_not_the_certificates_is_refused(library, tmp_path):
    args = files(tmp_path, cert_key=Sm2Key.generate())
    before = DepartmentSeal.objects.count()
    with pytest.raises(CommandError, match="不匹配"):
        call_command("import_seal", "--department", "SCJG", "--uscc", department_uscc("SCJG"), *args, stdout=StringIO())
    assert DepartmentSeal.objects.count() == before


def test_a_certificate_from_another_ca_is_refused(library, tmp_path):
    args = files(tmp_path)
    other_ca, _key = seals.new_ca(name="别的 CA", now=timezone.now())
    (tmp_path / "ca.pem").write_bytes(pem.armor("CERTIFICATE", other_ca))
    with pytest.raises(CommandError):
        call_command("import_seal", "--department", "SCJG", "--uscc", department_uscc("SCJG"), *args, stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("import_seal", "--department", "SCJG", "--uscc", "123", *files(tmp_path), stdout=StringIO())
