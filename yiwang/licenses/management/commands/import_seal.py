"""``python manage.py import_seal --department CODE --uscc USCC --key key.pem --cert cert.pem --ca ca.pem``

For real deployments: import a department's SM2 private key and the X.509 certificate its CA issued
for it; the CA certificate becomes a trust anchor. The new seal signs from now on; licences signed
by the previous seal keep verifying.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yiwang.core.errors import DomainError
from yiwang.licenses.management.commands.verify_licence import read_certificates


class Command(BaseCommand):
    help = "Import a department's SM2 key and certificate (and its CA certificate) as its electronic seal."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--department", required=True)
        parser.add_argument("--uscc", required=True, help="the department's unified social credit code")
        parser.add_argument("--key", required=True, help="PEM, unencrypted PKCS#8 SM2 private key")
        parser.add_argument("--cert", required=True, help="the department's certificate, PEM or DER")
        parser.add_argument("--ca", required=True, help="the issuing CA's certificate, PEM or DER")

    def handle(self, *args: Any, department: str, uscc: str, key: str, cert: str, ca: str, **options: Any) -> None:
        from yiwang.core.models import Department
        from yiwang.licenses.services import import_seal

        dept = Department.objects.filter(code=department).first()
        if dept is None:
            raise CommandError(f"no department with code {department!r}")
        try:
            key_pem = Path(key).read_text("ascii")
            certs, cas = read_certificates(cert), read_certificates(ca)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read the files: {exc}") from exc
        try:
            seal = import_seal(department=dept, uscc=uscc.strip().upper(), key_pem=key_pem, cert=certs[0], ca_cert=cas[0])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"Seal {seal.es_id} ({seal.key_id}) is now {dept.name}'s current seal."))
