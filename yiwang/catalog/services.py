"""Writes owned by ``catalog``: publishing process versions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.catalog.bpmn import BpmnRejected, parse_process
from yiwang.catalog.errors import CatalogErrorCode
from yiwang.catalog.models import ProcessDefinition, ProcessVersion
from yiwang.core.errors import InvalidInput
from yiwang.core.models import Department
from yiwang.core.services import record_audit


def publish_process_version(
    *, actor: AbstractBaseUser | None, key: str, name: str, bpmn_xml: str, description: str = ""
) -> ProcessVersion:
    """Validate a BPMN file and publish it as the next version of process ``key``.

    Publishing the same file again returns the current version unchanged (idempotent seeding).
    Running cases keep the version they started with.
    """
    try:
        parsed = parse_process(bpmn_xml)
    except BpmnRejected as exc:
        raise InvalidInput(CatalogErrorCode.PROCESS_REJECTED, _("流程文件不能使用：%(reason)s") % {"reason": exc}) from exc
    known = set(Department.objects.filter(code__in=parsed.lanes).values_list("code", flat=True))
    unknown = sorted(parsed.lanes - known)
    if unknown:
        raise InvalidInput(
            CatalogErrorCode.UNKNOWN_DEPARTMENT,
            _("流程泳道引用了不存在的部门代码：%(codes)s") % {"codes": "、".join(unknown)},
            {"unknown": unknown},
        )
    with transaction.atomic():
        definition, _created = ProcessDefinition.objects.select_for_update().get_or_create(
            key=key, defaults={"name": name, "description": description}
        )
        latest = definition.versions.order_by("-version").first()
        if latest is not None and latest.digest == parsed.digest:
            return latest
        version = ProcessVersion.objects.create(
            definition=definition,
            version=(latest.version + 1) if latest else 1,
            bpmn_xml=bpmn_xml,
            process_id=parsed.process_id,
            spec_json=parsed.spec_json,
            steps=[s.as_dict() for s in parsed.steps],
            digest=parsed.digest,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        record_audit(
            actor=actor,
            event_type="process_version_published",
            subject_type="process",
            subject_id=definition.key,
            details={"version": version.version, "digest": parsed.digest},
        )
    return version
