"""Writes owned by ``catalog``: publishing process versions."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.catalog.bpmn import BpmnRejected, ParsedProcess, parse_process
from yiwang.catalog.dmn import RulesRejected, parse_rules
from yiwang.catalog.errors import CatalogErrorCode
from yiwang.catalog.models import ProcessDefinition, ProcessVersion, RuleSet, RuleSetVersion, ServiceItem
from yiwang.catalog.sanitize import strip_active_content
from yiwang.core.errors import InvalidInput
from yiwang.core.models import Department
from yiwang.core.services import record_audit
from yiwang.core.users import User


def check_process_file(bpmn_xml: str, lane_map: dict[str, str] | None = None) -> ParsedProcess:
    """Everything an upload checks, without publishing: the file's structure and expressions, the
    lane map, and that every lane (after mapping) names an existing department. Raises
    ``InvalidInput`` with every reason; the ``check_process`` command and the admin use this."""
    lane_map = {str(k).strip(): str(v).strip() for k, v in (lane_map or {}).items() if str(k).strip()}
    try:
        parsed = parse_process(bpmn_xml, lane_map=lane_map or None)
    except BpmnRejected as exc:
        raise InvalidInput(CatalogErrorCode.PROCESS_REJECTED,
                           _("流程文件不能使用：%(reason)s") % {"reason": "；".join(exc.problems)},
                           {"problems": exc.problems}) from exc
    known = set(Department.objects.filter(code__in=parsed.lanes).values_list("code", flat=True))
    unknown = sorted(parsed.lanes - known)
    if unknown:
        raise InvalidInput(
            CatalogErrorCode.UNKNOWN_DEPARTMENT,
            _("流程泳道引用了不存在的部门代码：%(codes)s。请把这些泳道对应到部门（上传表单中的「泳道对应部门」），"
              "或在建模工具中把泳道名称改为部门代码。") % {"codes": "、".join(unknown)},
            {"unknown": unknown},
        )
    return parsed


def publish_process_version(
    *, actor: User | None, key: str, name: str, bpmn_xml: str, description: str = "",
    lane_map: dict[str, str] | None = None,
) -> ProcessVersion:
    """Validate a BPMN file and publish it as the next version of process ``key``.

    ``lane_map`` maps the file's lanes (by name, or id for an unnamed lane) to department codes;
    the version stores the file with its lanes renamed, and the map is recorded in the audit.
    Publishing the same file (and map) again returns the current version unchanged (idempotent
    seeding). Running cases keep the version they started with.
    """
    bpmn_xml = strip_active_content(bpmn_xml)  # no browser scripting stored (yiwang/catalog/sanitize.py)
    parsed = check_process_file(bpmn_xml, lane_map)
    lane_map = {str(k).strip(): str(v).strip() for k, v in (lane_map or {}).items() if str(k).strip()}
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
            bpmn_xml=parsed.xml,
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
            details={"version": version.version, "digest": parsed.digest, "lane_map": lane_map,
                     "steps": [f"{s.name}（{s.department_code}）" for s in parsed.steps]},
        )
    return version


def publish_rule_set_version(
    *,
    actor: User | None,
    key: str,
    name: str,
    dmn_xml: str,
    description: str = "",
    items: list[ServiceItem] | None = None,
) -> RuleSetVersion:
    """Validate an instant-approval DMN file (秒批规则) and publish it as the next version of rule
    set ``key``; with ``items``, also attach the rule set to them. Form fields the rules reference
    must exist on every item that uses the rule set. Publishing the same file again is a no-op."""
    dmn_xml = strip_active_content(dmn_xml)  # no browser scripting stored (yiwang/catalog/sanitize.py)
    with transaction.atomic():
        rule_set, _created = RuleSet.objects.select_for_update().get_or_create(
            key=key, defaults={"name": name, "description": description}
        )
        targets = list(items or []) + list(rule_set.items.all())
        form_fields: set[str] | None = None
        for item in targets:
            names = {f["name"] for f in item.form_schema or []}
            form_fields = names if form_fields is None else form_fields & names
        try:
            parsed = parse_rules(dmn_xml, form_fields=form_fields)
        except RulesRejected as exc:
            raise InvalidInput(CatalogErrorCode.RULES_REJECTED, _("秒批规则文件不能使用：%(reason)s") % {"reason": exc}) from exc
        latest = rule_set.versions.order_by("-version").first()
        if latest is None or latest.digest != parsed.digest:
            latest = RuleSetVersion.objects.create(
                rule_set=rule_set, version=(latest.version + 1) if latest else 1, dmn_xml=dmn_xml,
                decision_id=parsed.decision_id, inputs=parsed.inputs, digest=parsed.digest,
                created_by=actor if actor is not None and actor.is_authenticated else None,
            )
            record_audit(actor=actor, event_type="rule_set_version_published", subject_type="rule_set",
                         subject_id=rule_set.key, details={"version": latest.version, "digest": parsed.digest})
        for item in items or []:
            if item.instant_rules_id != rule_set.pk:
                ServiceItem.objects.filter(pk=item.pk).update(instant_rules=rule_set)
                record_audit(actor=actor, event_type="item_instant_rules_set", subject_type="item", subject_id=item.code,
                             details={"rule_set": rule_set.key})
    return latest


def publish_stock_process(
    *, actor: User | None, shape: str, codes: dict[str, str], names: dict[str, str]
) -> ProcessVersion:
    """Publish (or find, when unchanged) the process of stock ``shape`` for these departments
    (``codes``: lane placeholder → department code; ``names``: code → display name), through the
    lane → department mapping an operator uses at upload; its latest version (``.definition``: the
    process). The demo seed and the admin's stock-shape form both call this."""
    import hashlib

    from yiwang.catalog.processes import SHAPES, definition_key, lane_map, personalize, render_process

    key = definition_key(shape, **codes)
    dept_names = "、".join(names.get(c, c) for c in codes.values())
    label = SHAPES[shape].label
    published = render_process(shape, names=names, **codes)  # what the version will store
    latest = ProcessVersion.objects.filter(definition__key=key).order_by("-version").select_related("definition").first()
    if latest is not None and latest.digest == hashlib.sha256(published.encode("utf-8")).hexdigest():
        return latest  # unchanged: skip parsing it again
    version = publish_process_version(
        actor=actor,
        key=key,
        name=f"{label} · {dept_names}" if dept_names else label,
        bpmn_xml=personalize(shape, names, **codes),
        lane_map=lane_map(shape, **codes),
        description=f"由标准流程模板 {shape} 生成。" if codes else "标准流程。",
    )
    return version


def save_service_item(*, actor: User | None, item: ServiceItem, fields: list[str], created: bool) -> ServiceItem:
    """An item's guide and settings created or changed in the admin (its form has validated them)."""
    with transaction.atomic():
        item.save()
        record_audit(actor=actor, event_type="service_item_created" if created else "service_item_changed",
                     subject_type="service_item", subject_id=item.code, details={"fields": fields, "source": "admin"})
    return item


def save_process_definition(*, actor: User | None, definition: ProcessDefinition,
                            fields: list[str]) -> ProcessDefinition:
    """A process's own settings changed in the admin (its versions are published by ``publish_process``)."""
    with transaction.atomic():
        definition.save()
        record_audit(actor=actor, event_type="process_changed", subject_type="process", subject_id=definition.key,
                     details={"fields": fields, "source": "admin"})
    return definition
