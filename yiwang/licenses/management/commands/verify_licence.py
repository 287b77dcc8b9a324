"""``python manage.py verify_licence --qr PAYLOAD`` / ``--file licence.pdf``: offline verification.

Needs no network and no login: the QR payload is checked against department certificates, the PDF's
seal against CA certificates. By default both come from this installation's database (trusted CAs
and the certificates they issued); ``--cert`` (department certificate, PEM or DER) and ``--ca`` (CA
certificate) let a verifier with nothing but those files check a licence. Exit 0 only for a valid
licence; 1 otherwise, printing why. Revocation needs the online check (``/verify/<token>``).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yiwang.core.calendar import local_date

MAX_FILE = 20 * 1024 * 1024


def read_certificates(path: str) -> list[bytes]:
    """DER certificates from a PEM bundle or a DER file."""
    data = Path(path).read_bytes()
    if b"-----BEGIN CERTIFICATE-----" not in data:
        return [data]
    out = []
    for block in data.split(b"-----BEGIN CERTIFICATE-----")[1:]:
        body = block.split(b"-----END CERTIFICATE-----")[0]
        out.append(base64.b64decode(b"".join(body.split())))
    return out


class Command(BaseCommand):
    help = "Verify a licence offline from its QR payload or its sealed PDF; exit 0 only when valid."

    def add_arguments(self, parser: Any) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--qr", help="the QR code's content (the URL or the YWL1.… payload)")
        source.add_argument("--file", help="a sealed licence PDF")
        parser.add_argument("--cert", action="append", default=[], help="department certificate(s), PEM or DER")
        parser.add_argument("--ca", action="append", default=[], help="trusted CA certificate(s), PEM or DER")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, qr: str | None, file: str | None, cert: list[str], ca: list[str], json: bool,
               **options: Any) -> None:
        from yiwang.licenses import seals, verification
        from yiwang.licenses.models import DepartmentSeal

        today = local_date(timezone.now())
        try:
            cas = [c for path in ca for c in read_certificates(path)]
            certs = [c for path in cert for c in read_certificates(path)]
        except OSError as exc:
            raise CommandError(f"cannot read a certificate file: {exc}") from exc
        trusted = tuple(cas) if cas else verification.anchors()
        if qr is not None:
            if not certs:
                certs = [bytes(c) for c in DepartmentSeal.objects.values_list("certificate", flat=True)]
            # a department certificate counts only if it chains to a trusted CA (or was given explicitly
            # with --cert and no --ca: the verifier then trusts that certificate itself)
            if cas or not cert:
                certs = [c for c in certs if not seals._chain_problem(c, trusted)]
            result = verification.verify_qr_offline(qr, certificates=certs, today=today)
        else:
            try:
                path = Path(file or "")
                if path.stat().st_size > MAX_FILE:
                    raise CommandError("the file is larger than a licence can be (20 MB)")
                data = path.read_bytes()
            except OSError as exc:
                raise CommandError(f"cannot read {file}: {exc}") from exc
            if certs and not cas:
                trusted = tuple(certs) + trusted
            result = verification.verify_file_offline(data, trusted=trusted, today=today)
        self._report(result, as_json=json)
        if not result.ok:
            raise SystemExit(1)

    def _report(self, result: Any, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps({"ok": result.ok, "status": result.status, "reason": result.reason,
                                          "facts": result.facts}, ensure_ascii=False))
            return
        style = self.style.SUCCESS if result.ok else self.style.ERROR
        self.stdout.write(style(f"{result.status.upper()}: {result.reason}"))
        for key, value in result.facts.items():
            self.stdout.write(f"  {key}: {value}")
