#!/usr/bin/env python
"""What the design load needs beside ``seed_demo`` (bench/load/README.md), on the cluster's database.

    eval "$(deploy/cluster/app.sh env)" && .venv/bin/python bench/load/seed.py > var/cluster/load-seed.json

Idempotent (a second run reuses what the first made, and issues fresh keys): a two-step item
``LOAD-2STEP`` at 市场监管局 (审查 → 决定, the demo's ``scjg_reviewer`` / ``scjg_decider`` work it),
``--citizens`` applicant accounts ``load0000``… (password ``yiwang2026``), a gateway resource
``LOAD_RK`` of ``--people`` people (公安局) with an approved subscription of 市场监管局 and a
gateway key, an Open311 partner key for 12345 reports. Prints JSON for the locustfile.

In production mode (``DEMO_MODE`` off, deploy/cluster/app.sh's default) staff need a second factor
for an API token: the staff accounts the load signs in as (``LOAD_STAFF``) get a confirmed TOTP
device each, and their keys go into the JSON (``otp_keys``) so that the load tool computes the
codes as an authenticator app would. A second run replaces the devices (and keys).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

ITEM = "LOAD-2STEP"
RESOURCE = "LOAD_RK"
PASSWORD = "yiwang2026"  # the demo's password (README.md), also in the cluster's production mode
LOAD_STAFF = ("clerk", "scjg_reviewer", "scjg_decider", "supervisor")  # the staff bench/load/locustfile.py signs in as


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--citizens", type=int, default=40)
    p.add_argument("--people", type=int, default=5000)
    args = p.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from bench.exchange_common import PEOPLE_FIELDS, people_file, person_id
    from yiwang.appeals import services as appeals
    from yiwang.appeals.models import Open311Partner, Open311Service
    from yiwang.catalog.models import Material, ServiceItem
    from yiwang.core.models import Applicant, ApplicantKind, Department
    from yiwang.exchange import services as exchange
    from yiwang.exchange.models import DataResource, Subscription
    from yiwang.testing import factories, item_factories

    item = ServiceItem.objects.filter(code=ITEM).first() or item_factories.item(
        ITEM, dept="SCJG", materials=(("身份证明", True), ("其他材料", False)))
    required = Material.objects.get(item=item, name="身份证明")

    User = get_user_model()
    hashed = make_password(PASSWORD)
    citizens = []
    for i in range(args.citizens):
        name = f"load{i:04d}"
        if not User.objects.filter(username=name).exists():
            with transaction.atomic():
                u = User.objects.create(username=name, password=hashed)
                first17 = f"3309991985{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i % 1000:03d}"
                Applicant.objects.create(kind=ApplicantKind.PERSON, name=f"压测申请人{i}",
                                         id_number=factories.citizen_id(first17), phone="13800138000",
                                         address="某县城关镇人民路1号", user=u)
        citizens.append(name)

    ga = Department.objects.get(code="GA")
    scjg = Department.objects.get(code="SCJG")
    res = DataResource.objects.filter(code=RESOURCE).first()
    if res is None:
        res = exchange.publish_resource(actor=None, code=RESOURCE, name="人口基础信息（压测）", provider=ga,
                                        key_kind="citizen_id", key_field="id_number", fields=PEOPLE_FIELDS)
    if DataResource.objects.get(pk=res.pk).current_version == 0:
        path = people_file(args.people)
        with open(path, "rb") as stream:
            exchange.ingest_dataset(actor=None, resource=res, stream=stream, file_name=path.name)
    fields = ["name", "gender", "birth_date"]
    sub = Subscription.objects.filter(resource=res, consumer=scjg, status="approved", purpose="压测").first()
    if sub is None:
        sub = exchange.request_subscription(actor=None, consumer=scjg, resource=res, fields=fields,
                                            purpose="压测", legal_basis="压测")
        exchange.approve_subscription(actor=None, subscription=sub, expires_at=None, daily_quota=10**9,
                                      rate_per_minute=10**9)
    _cred, gateway_key = exchange.issue_credential(actor=None, department=scjg, name="load", subscriptions=[sub])

    if Open311Partner.objects.filter(name="load-partner", revoked_at__isnull=True).exists():
        appeals.revoke_open311_key(actor=None, name="load-partner")
    _partner, open311_key = appeals.issue_open311_key(actor=None, name="load-partner")
    services = list(Open311Service.objects.values_list("code", flat=True)[:5])

    otp_keys: dict[str, str] = {}
    from django.conf import settings

    if not settings.YIWANG_DEMO_MODE:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for user in User.objects.filter(username__in=LOAD_STAFF):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user, name="load").delete()
                otp_keys[user.username] = TOTPDevice.objects.create(user=user, name="load", confirmed=True).key

    json.dump({
        "item": ITEM, "material_id": required.pk, "citizens": citizens, "password": PASSWORD,
        "gateway_key": gateway_key, "resource": RESOURCE, "fields": fields,
        "people_keys": [person_id(i) for i in range(0, args.people, max(1, args.people // 500))],
        "open311_key": open311_key, "open311_services": services, "otp_keys": otp_keys,
        "item_guides": list(ServiceItem.objects.filter(is_active=True).exclude(code=ITEM)
                            .values_list("code", flat=True)[:30]),
    }, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
