"""一件事: an applicant submits a package once; behind the window it splits into one case per member.

``submit_package`` checks everything the applicant can get wrong for all members first (which
optional items, the combined form, the materials) and answers with one message naming every
problem; then, in one transaction, it creates the package application with its own number and one
case per member item through ``submit_application`` (so every rule of a single application holds:
form, applicant kind, 免提交 by sharing, 秒批, audit). Each case's form is the part of the combined
form its item asks (``yiwang.catalog.packages.member_form``). A file given once for a material
several members need is attached to the first case and referenced by the others: each case gets its
own ``CaseMaterial`` row pointing at the same stored file (same path and SHA-256), and the
``PackageMaterial`` row records the upload and every case material that uses it. If any member
cannot be created, nothing is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseErrorCode
from yiwang.cases.models import CaseMaterial, Channel, PackageApplication, PackagedCase, PackageMaterial
from yiwang.cases.services.intake import MaterialRef, clean_form, form_invalid, submit_application
from yiwang.catalog import packages as catalog_packages
from yiwang.catalog.errors import CatalogErrorCode
from yiwang.catalog.models import LifeEventPackage
from yiwang.catalog.selectors import shareable_materials
from yiwang.core import calendar
from yiwang.core.clock import db_now
from yiwang.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from yiwang.core.models import Applicant
from yiwang.core.services import record_audit
from yiwang.core.users import User


def _check_form(fields: list[catalog_packages.CombinedField], members: list[Any], answers: dict[str, Any]) -> dict[str, Any]:
    """Every member's part of the form, checked by the one rule for forms (``clean_form``); the
    problems of all members are reported together, under the combined form's names."""
    problems: dict[str, dict[str, str]] = {}
    cleaned: dict[str, Any] = {}
    back = {(item_id, name): f for f in fields for item_id, name in f.sources}
    for member in members:
        item = member.item
        try:
            part = clean_form(item, catalog_packages.member_form(fields, item, answers))
        except InvalidInput as exc:
            for p in exc.details.get("fields", []):
                combined = back[(item.pk, p["field"])]
                problems.setdefault(combined.name, {**p, "field": combined.name,
                                                    "label": combined.spec.get("label", combined.name)})
            continue
        for name, value in part.items():
            cleaned[back[(item.pk, name)].name] = value
    if problems:
        raise form_invalid(list(problems.values()))
    return cleaned


def _check_materials(
    groups: list[catalog_packages.CombinedMaterial], members: list[Any], applicant: Applicant, refs: list[MaterialRef],
) -> dict[int, int]:
    """``{group key: upload id}``; refuses unknown or repeated materials and names every required
    material neither given nor obtainable by data sharing for the members that need it."""
    by_key = {g.key: g for g in groups}
    given: dict[int, int] = {}
    for ref in refs:
        if ref.material_id not in by_key:
            raise InvalidInput(CaseErrorCode.PACKAGE_MATERIAL_UNKNOWN,
                               _("材料编号 %(id)s 不是本“一件事”需要的材料。") % {"id": ref.material_id},
                               {"material_id": ref.material_id})
        if ref.material_id in given:
            raise InvalidInput(CaseErrorCode.PACKAGE_MATERIAL_UNKNOWN,
                               _("材料「%(m)s」提交了两次，每份材料只需提交一次。") % {"m": by_key[ref.material_id].name},
                               {"material_id": ref.material_id})
        given[ref.material_id] = ref.upload_id
    shareable = {m for member in members for m in shareable_materials(member.item, applicant)}
    missing = [g for g in groups if g.key not in given
               and any(m.required and m.pk not in shareable for m in g.materials)]
    if missing:
        raise InvalidInput(
            CaseErrorCode.MATERIALS_MISSING,
            _("缺少必要材料：%(names)s。") % {"names": "、".join(g.name for g in missing)},
            {"missing": [{"material_id": g.key, "name": g.name} for g in missing]},
        )
    return given


def _copy_for_case(upload: CaseMaterial, actor: User) -> CaseMaterial:
    """A staged row for one more case that points at the same stored file (not a copy of the file)."""
    return CaseMaterial.objects.create(
        file=upload.file.name, original_name=upload.original_name, content_type=upload.content_type, size=upload.size,
        sha256=upload.sha256, source=upload.source, uploaded_by=actor,
    )


def submit_package(
    *,
    actor: User,
    package: LifeEventPackage,
    applicant: Applicant,
    form_data: dict[str, Any],
    materials: Iterable[MaterialRef] = (),
    optional_items: list[str] | None = None,
    channel: str = Channel.ONLINE,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[PackageApplication, bool]:
    """Submit a 一件事 package; returns ``(package application, created)``.

    ``materials`` refer to the package's combined materials by their ``key`` (the id of the first
    member material of that name, as the package guide lists them). ``optional_items``: codes of the
    optional members to apply for too (none when empty). A retry with the same
    ``idempotency_key`` returns the first application.
    """
    refs = list(materials)
    if idempotency_key:
        existing = PackageApplication.objects.filter(submitted_by=actor, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    if not package.is_active:
        raise InvalidInput(CatalogErrorCode.ITEM_INACTIVE, _("“%(name)s”已停止办理。") % {"name": package.name})
    if channel == Channel.ONLINE and applicant.user_id != actor.pk:
        raise Forbidden(CaseErrorCode.NOT_YOUR_CASE, _("只能以本人或本单位名义在网上申请。"))
    offered = {m.item.code for m in package.members.all() if m.optional}
    unknown = sorted(set(optional_items or []) - offered)
    if unknown:
        raise InvalidInput(CaseErrorCode.PACKAGE_MEMBER_UNKNOWN,
                           _("“%(name)s”没有可选事项 %(codes)s。") % {"name": package.name, "codes": "、".join(unknown)},
                           {"optional_items": unknown})
    members = catalog_packages.chosen_members(package, list(optional_items or []))
    refused = [m.item.name for m in members if not m.item.accepts(applicant.kind)]
    if refused:
        raise InvalidInput(
            CaseErrorCode.APPLICANT_KIND_NOT_ALLOWED,
            _("%(kind)s不能申请其中的：%(items)s。") % {"kind": applicant.get_kind_display(), "items": "、".join(refused)},
            {"items": refused},
        )
    inactive = [m.item.name for m in members if not m.item.is_active]
    if inactive:
        raise InvalidInput(CatalogErrorCode.ITEM_INACTIVE,
                           _("其中的事项已停止办理：%(items)s。") % {"items": "、".join(inactive)}, {"items": inactive})
    fields = catalog_packages.combined_form(members)
    cleaned = _check_form(fields, members, form_data or {})
    groups = catalog_packages.combined_materials(package, members)
    given = _check_materials(groups, members, applicant, refs)
    produced = catalog_packages.produced_material_ids(package, members)
    now = now or db_now()
    try:
        with transaction.atomic():
            application = PackageApplication.objects.create(
                package=package, applicant=applicant, submitted_by=actor, channel=channel, form_data=cleaned,
                submitted_at=now, idempotency_key=idempotency_key or None,
            )
            application.number = f"YJ{calendar.local_date(now):%Y%m%d}{application.pk:08d}"
            PackageApplication.objects.filter(pk=application.pk).update(number=application.number)
            uploads = {u.pk: u for u in CaseMaterial.objects.select_for_update().filter(
                pk__in=list(given.values()), uploaded_by=actor, case__isnull=True)}
            missing_uploads = [u for u in given.values() if u not in uploads]
            if missing_uploads:
                raise NotFound(CaseErrorCode.UPLOAD_NOT_FOUND,
                               _("上传文件 %(id)s 不存在或已用于其他办件。") % {"id": missing_uploads[0]},
                               {"upload_id": missing_uploads[0]})
            records = {key: PackageMaterial.objects.create(application=application, name=g.name, upload=uploads[given[key]])
                       for key, g in ((g.key, g) for g in groups) if key in given}
            used = set()
            for order, member in enumerate(members, start=1):
                item = member.item
                member_refs, rows = [], []
                for g in groups:
                    if g.key not in given:
                        continue
                    for material in g.materials:
                        if material.item_id != item.pk:
                            continue
                        upload = uploads[given[g.key]]
                        row = upload if upload.pk not in used else _copy_for_case(upload, actor)
                        used.add(upload.pk)
                        member_refs.append(MaterialRef(material_id=material.pk, upload_id=row.pk))
                        rows.append((g.key, row))
                case, _created = submit_application(
                    actor=actor, item=item, applicant=applicant,
                    form_data=catalog_packages.member_form(fields, item, cleaned), materials=member_refs,
                    channel=channel, now=now, produced_by_package=produced,
                    # inside the package's transaction: keeping a summary would hold its row lock
                    # before the subject's (a rule's commitment bumps it), the opposite order to every
                    # writer, which keeps the summary after its bump (credit.facts: the lock order)
                    keep_facts_summary=False,
                )
                PackagedCase.objects.create(application=application, case=case, sort_order=order)
                for key, row in rows:
                    records[key].used_by.add(row)
            record_audit(actor=actor, event_type="package_application_submitted", subject_type="package_application",
                         subject_id=application.number, details={
                             "package": package.code, "cases": [pc.case.number for pc in application.members.select_related("case")],
                             "materials": len(given), "channel": channel})
    except IntegrityError:
        if idempotency_key:
            existing = PackageApplication.objects.filter(submitted_by=actor, idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing, False
        raise
    except DomainError as exc:
        # a member's own check failed after the package's checks passed: say which member
        names = [m.item.name for m in members]
        exc.details = {**exc.details, "package_items": names}
        raise
    return application, True


__all__ = ["submit_package"]
