"""Eligibility before submission (申请前预检): what an item's 秒批 rules already say about this
applicant and this (perhaps half-filled) form, before anything is submitted.

It writes nothing and reads no shared data. The rules are the item's published rule set, evaluated
by the same ``evaluate_rules`` 秒批 uses, over the same facts (``applicant_facts``) — except
``facts.shared``: facts from data sharing are obtained only when a case is submitted, through the
exchange policy and its access log, with the case as the purpose. A pre-check the citizen may run on
every keystroke must not read another department's data nor fill the access log with reads nobody
asked for, so a row that reads ``facts.shared`` is reported as checked at submission.

Each row of the table ends in one of four places:

* ``failing``: it fires on what is known — the applicant will be refused for this reason;
* ``pending``: it reads a form field that is still empty (or not well-formed), so it cannot be
  decided yet — a half-filled form never shows a refusal it has not earned;
* ``deferred``: it reads shared data, or cannot be decided automatically (a person will);
* otherwise it passes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.cases.services.instant import applicant_facts, credit_status, published_rules
from yiwang.cases.services.intake import read_form
from yiwang.catalog.dmn import evaluate_rules
from yiwang.catalog.form_schema import FieldState, field_states
from yiwang.catalog.models import ServiceItem
from yiwang.core.models import Applicant


class EligibilityStatus:
    NO_RULES = "no_rules"          # the item has no rules to pre-check
    FAILS = "fails"                # at least one rule already fails
    INCOMPLETE = "incomplete"      # nothing fails yet, some rules wait for empty fields
    UNDETERMINED = "undetermined"  # nothing fails or waits, some rules are checked at submission
    PASSES = "passes"              # every rule passes on what is known


@dataclass(frozen=True)
class RuleCheck:
    rule: int  # row number in the table (0: the item's own scope, not a table row)
    reason: str
    fields: tuple[dict[str, str], ...] = ()  # pending: the empty fields it waits for (name, label)
    why: str = ""  # deferred: "shared" (data sharing at submission) or "manual" (a person decides)


@dataclass
class Eligibility:
    item: str
    status: str
    message: str
    rules_version: int | None = None
    failing: list[RuleCheck] = field(default_factory=list)
    pending: list[RuleCheck] = field(default_factory=list)
    deferred: list[RuleCheck] = field(default_factory=list)
    field_problems: list[dict[str, str]] = field(default_factory=list)
    fields: dict[str, FieldState] = field(default_factory=dict)


def check_eligibility(*, item: ServiceItem, applicant: Applicant, form: Any,
                      now: dt.datetime | None = None) -> Eligibility:
    """Pre-check ``form`` (any JSON-ish value: garbage is treated as empty fields, never a crash)
    for ``applicant`` against the item's published rules; also the form's field states."""
    now = now or timezone.now()
    schema = item.form_schema or []
    values, problems = read_form(item, form if isinstance(form, dict) else {})
    states = field_states(schema, values)
    shown_values = {k: v for k, v in values.items() if states.get(k, FieldState(True, False)).shown}
    labels = {f["name"]: f.get("label", f["name"]) for f in schema}
    empty = [f["name"] for f in schema if f["name"] not in shown_values and states[f["name"]].shown]

    result = Eligibility(item=item.code, status=EligibilityStatus.NO_RULES, message="", field_problems=problems,
                         fields=states)
    if not item.accepts(applicant.kind):
        result.failing.append(RuleCheck(0, _("事项「%(item)s」的服务对象是%(scope)s，不受理%(kind)s的申请。") % {
            "item": item.name, "scope": item.get_applicant_scope_display(), "kind": applicant.get_kind_display()}))
    version = published_rules(item)
    if version is not None:
        result.rules_version = version.version
        context = {"form": shown_values, "facts": applicant_facts(applicant, None, now, item_id=item.pk),
                   "credit": credit_status(applicant)}
        outcome = evaluate_rules((version.pk, version.digest), version.dmn_xml, context, version.inputs)
        if not outcome.rows:  # the table could not be read: a person decides after submission
            result.deferred.append(RuleCheck(0, _("该事项的规则暂时无法自动核验，提交后由工作人员审查。"), why="manual"))
        for row in outcome.rows:
            waiting = [n for n in empty if n in row.form_fields or row.whole_form]
            if "shared" in row.facts:
                result.deferred.append(RuleCheck(row.number, row.reason, why="shared"))
            elif waiting:
                result.pending.append(RuleCheck(row.number, row.reason, tuple(
                    {"name": n, "label": labels[n]} for n in waiting)))
            elif row.number in outcome.failed_rows:
                result.failing.append(RuleCheck(row.number, row.reason))
            elif row.number in outcome.undecided_rows:
                result.deferred.append(RuleCheck(row.number, row.reason, why="manual"))
    result.status, result.message = _verdict(result, has_rules=version is not None)
    return result


def _verdict(result: Eligibility, *, has_rules: bool) -> tuple[str, str]:
    if result.failing:
        return EligibilityStatus.FAILS, _("根据已填写的信息，您暂不符合申请条件：%(reasons)s。") % {
            "reasons": "；".join(r.reason for r in result.failing)}
    if not has_rules:
        return EligibilityStatus.NO_RULES, _("该事项没有可在提交前核验的条件，提交后由工作人员审查。")
    if result.pending:
        waiting = dict.fromkeys(f["label"] for r in result.pending for f in r.fields)
        return EligibilityStatus.INCOMPLETE, _("目前未发现不符合的条件；填写%(fields)s后可以继续核验。") % {
            "fields": "、".join(f"「{label}」" for label in waiting)}
    if result.deferred:
        return EligibilityStatus.UNDETERMINED, _("已填写的信息未发现不符合的条件；另有 %(n)d 项条件将在提交后核验。") % {
            "n": len(result.deferred)}
    return EligibilityStatus.PASSES, _("已填写的信息符合可自动核验的全部条件；最终以审核结果为准。")
