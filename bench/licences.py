#!/usr/bin/env python
"""Licence benchmark: issuance per second (and where its time goes), offline verification beside
``openssl speed sm2``, online verification over HTTP beside the bare insert view, in one run.

    .venv/bin/python bench/licences.py [--issue 60] [--seconds 3] [--requests 2000] [--clients 2] [--rounds 6]

A child process migrates a fresh SQLite database (``var/bench/licences.sqlite3``, WAL) and builds
the demo CA, one department seal, one licence type and holders; then, in one run:

1. **issuance**: ``services.issue_licence`` N times (number, metadata, QR payload, PDF, SES seal
   signature, file, row, ledger entry, audit), and the parts alone on the same inputs: rendering
   the PDF (ReportLab + the QR code), the two SM2 signatures (QR payload + SES_Signature), so that
   the report says where the time goes (the issue's goal: bound by rendering, not by signing);
2. **offline verification** (CPU time per call, as ``openssl speed`` counts): the QR payload's
   signature (``payload.verify``, one SM2 verify), and the sealed PDF's full check
   (``seals.verify_signature``: parse the SES_Signature, SM3 of the file, SM2 verify; the
   certificate chain check is cached per certificate), beside ``openssl speed -seconds N sm2``;
3. **online verification**: gunicorn (2 sync workers, ``bench.settings``) serves
   ``GET /api/v1/licences/verify/<token>`` (file + seal + metadata check, disclosed fields,
   inclusion proof, the verification logged for the holder) and the bare insert view
   ``POST /bench/bare/insert`` alternately in ``--rounds`` short runs from the same client processes.

Markdown on stdout, JSON in ``bench/results/``. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.exchange_common import env  # noqa: E402
from bench.harness import Request, alternate, drive, fresh_sqlite, gunicorn, migrate, run_child  # noqa: E402

DB_NAME = "licences.sqlite3"


def cpu_rate(fn, seconds: float) -> float:
    calls, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        for _ in range(8):
            fn()
        calls += 8
    return calls / (time.process_time() - start)


def child(issue: int, seconds: float) -> None:
    import django

    django.setup()
    from django.utils import timezone

    from yiwang.core.models import Department
    from yiwang.licenses import payload, rendering, seals, services
    from yiwang.licenses.demo import department_uscc
    from yiwang.licenses.models import Licence, LicenceType
    from yiwang.testing import factories

    anchor = services.ensure_demo_ca()
    dept = Department.objects.create(code="SCJG", name="某县市场监督管理局")
    services.create_seal(department=dept, uscc=department_uscc("SCJG"), anchor=anchor)
    licence_type = LicenceType.objects.create(
        code=f"{department_uscc('SCJG')}002", name="食品经营许可证", department=dept, holder_kind="both",
        number_prefix="JY", validity_years=5, fields=[{"key": "shop_name", "label": "店名"}, {"key": "scope", "label": "经营项目"}],
        template="经营者：{holder_name}\n店名：{shop_name}\n经营项目：{scope}")
    _user, holder = factories.citizen("bench", name="张三")
    data = {"shop_name": "青禾小馆", "scope": "热食类食品制售；冷食类食品制售"}
    services.issue_licence(licence_type=licence_type, holder=holder, data=data)  # warm: font parsed, caches filled

    started = time.perf_counter()
    for _ in range(issue):
        services.issue_licence(licence_type=licence_type, holder=holder, data=data)
    issue_s = (time.perf_counter() - started) / issue

    # a deployment publishes signed tree heads on a schedule (docs/ledger.md); the online check then
    # proves inclusion under the signed head, as it will for every licence older than the last head
    from yiwang.ledger.services import publish_tree_head

    publish_tree_head()
    licence = Licence.objects.latest("id")
    seal = licence.seal
    meta = services.metadata_bytes(licence)
    rows, lines = services._rows(licence), services._face_lines(licence)

    def render() -> bytes:
        return rendering.render(title=licence.licence_type.name, issuer=dept.name, number=licence.number, rows=rows,
                                body_lines=lines, issue_date="2026年12月06日", seal_png=bytes(seal.picture),
                                qr_text=services.qr_text(licence), footnote="bench")

    def sign() -> None:
        from yiwang.crypto.primitives import sm3_hex

        licence.metadata_sm3 = sm3_hex(meta)  # as _render_and_seal: the metadata's SM3, then the QR payload
        services._qr_payload(licence)
        seals.sign(seal_der=bytes(seal.seal), signer_cert=bytes(seal.certificate), key_pem=seal.private_key, data=pdf,
                   metadata=meta, at=timezone.now(), property_info="bench")

    t = time.perf_counter()
    for _ in range(max(5, issue // 3)):
        pdf = render()
    render_s = (time.perf_counter() - t) / max(5, issue // 3)
    from yiwang.core.pdf import qr_png

    t = time.perf_counter()
    for _ in range(max(5, issue // 3)):
        qr_png(services.qr_text(licence), error="m", scale=3)
    qr_s = (time.perf_counter() - t) / max(5, issue // 3)
    t = time.perf_counter()
    for _ in range(200):
        sign()
    sign_s = (time.perf_counter() - t) / 200

    parsed = payload.parse(licence.qr_payload)
    key = seals._public_key(seals.asn1.public_point(__import__("asn1crypto.x509", fromlist=["x"]).Certificate.load(bytes(seal.certificate))))
    with licence.file.open("rb") as handle:
        signed, signature = rendering.split_sealed(handle.read())
    anchors = (bytes(anchor.certificate),)
    qr_rate = cpu_rate(lambda: payload.verify(parsed, key), seconds)
    pdf_rate = cpu_rate(lambda: seals.verify_signature(signature, signed, anchors=anchors), seconds)
    print(json.dumps({"issue_s": issue_s, "render_s": render_s, "qr_png_s": qr_s, "sign_s": sign_s,
                      "pdf_bytes": licence.size, "qr_verify_per_s": qr_rate, "pdf_verify_per_s": pdf_rate,
                      "tokens": list(Licence.objects.values_list("qr_token", flat=True)[:50])}))


def openssl_sm2(seconds: int) -> tuple[float | None, float | None, str]:
    out = subprocess.run(["openssl", "speed", "-seconds", str(seconds), "sm2"], capture_output=True, text=True, timeout=600)
    match = re.search(r"^\s*\d+ bits SM2 \(\w+\)\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)\s+([\d.]+)", out.stdout, re.M)
    version = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    return (float(match.group(1)) if match else None, float(match.group(2)) if match else None, version)


def request(target: str, tokens: list[str], _rng: random.Random, i: int) -> Request:
    if target == "bare":
        return "POST", "/bench/bare/insert", b"x" * 40, {"Content-Type": "text/plain"}
    return "GET", f"/api/v1/licences/verify/{tokens[i % len(tokens)]}", None, {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--issue", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        child(int(args.child[0]), float(args.child[1]))
        return
    db = fresh_sqlite(DB_NAME)
    media = ROOT / "var" / "bench" / "licences-media"
    child_env = env(DATABASE_URL=f"sqlite:///{db}", DJANGO_SETTINGS_MODULE="bench.settings", MEDIA_ROOT=str(media))
    migrate(child_env)
    load_before = os.getloadavg()[0]
    local = json.loads(run_child(__file__, "--child", str(args.issue), str(args.seconds), child_env=child_env))
    sign_rate, verify_rate, version = openssl_sm2(int(args.seconds))
    with gunicorn(child_env) as port:
        tokens = local["tokens"]
        # the master listens before its workers have imported Django (slow on a loaded machine):
        # wait until both answer before anything is timed
        for _ in range(4):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            conn.request("GET", "/api/v1/licences/verify/warmup")
            conn.getresponse().read()
            conn.close()
        drive(port, request, "bare", tokens, 100, args.clients)
        drive(port, request, "verify", tokens, 100, args.clients)
        timed = alternate(port, request, [("bare", tokens), ("verify", tokens)], requests=args.requests,
                          clients=args.clients, rounds=args.rounds)
        bare_s, online_s = timed["bare"], timed["verify"]
    load_after = os.getloadavg()[0]
    result: dict[str, Any] = {"local": {k: v for k, v in local.items() if k != "tokens"}, "openssl": {"version": version,
              "sm2_sign_per_s": sign_rate, "sm2_verify_per_s": verify_rate}, "bare": bare_s, "online": online_s,
              "load": [load_before, load_after], "python": platform.python_version(), "cores": os.cpu_count()}
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / f"licences-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(result, indent=2))
    loc = result["local"]
    print(f"# licences, SQLite, gunicorn 2 sync workers, {args.clients} clients, Python {result['python']}, "
          f"{result['cores']} cores, {version}, load average {load_before:.1f} -> {load_after:.1f}\n")
    print("| measure | value | beside |\n| --- | --- | --- |")
    print(f"| issuance (sign + render + store + ledger) | {1 / loc['issue_s']:.1f} /s ({loc['issue_s'] * 1000:.0f} ms) | |")
    print(f"| of which rendering the PDF | {loc['render_s'] * 1000:.0f} ms ({loc['render_s'] / loc['issue_s']:.0%}) | QR code alone {loc['qr_png_s'] * 1000:.0f} ms |")
    print(f"| of which the two SM2 signatures (QR + seal) | {loc['sign_s'] * 1000:.2f} ms ({loc['sign_s'] / loc['issue_s']:.1%}) | openssl sign {sign_rate} /s |")
    if verify_rate:
        print(f"| offline: QR payload signature | {loc['qr_verify_per_s']:.0f} /s | openssl sm2 verify {verify_rate:.0f} /s "
              f"(**{loc['qr_verify_per_s'] / verify_rate:.0%}**) |")
        print(f"| offline: sealed PDF ({loc['pdf_bytes'] // 1024} KiB: parse, SM3, SM2) | {loc['pdf_verify_per_s']:.0f} /s | "
              f"{loc['pdf_verify_per_s'] / verify_rate:.0%} of openssl |")
    print(f"| online: GET /api/v1/licences/verify/<token> | {online_s['per_s']} req/s, p50 {online_s['p50_ms']} ms, "
          f"p99 {online_s['p99_ms']} ms {online_s['statuses']} | bare insert {bare_s['per_s']} req/s "
          f"(**{online_s['per_s'] / bare_s['per_s']:.0%}**), p50 {bare_s['p50_ms']} ms {bare_s['statuses']} |")


if __name__ == "__main__":
    main()
