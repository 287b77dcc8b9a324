"""Step names in the reader's language.

A case's steps are named by its process file (user task names, Chinese) and by the window's own
steps (窗口受理, 申请人补正, 统一出件). The stock processes' names are the platform's own text and
are in the translation catalogue (context ``step``); a partner step of a stock process is named after its department
(``县公安局会签``, ``县自然资源局协查核验``) and reads in English as the department's English name
and the step ("Public Security Bureau countersignature"). Names from an operator's own BPMN file
are data and stay as written.
"""

from __future__ import annotations

from django.utils.translation import pgettext

from yiwang.core.models import wants_english_names

# The user task names of yiwang/catalog/processes/*.bpmn and the window's steps
# (cases.services.common); their English is in the catalogue under the context ``step`` (Django has
# no pgettext_noop to mark them for makemessages).
STOCK_STEP_NAMES = frozenset((
    "审查", "受理审查", "材料审查", "登记审查", "设立登记审查", "审核", "决定", "审批决定", "审核决定", "核准办结",
    "现场核查", "登簿缮证", "营业执照登记", "公章刻制备案", "税务登记与发票申领", "税费核定", "协办部门协查核验",
    "协办部门一会签", "协办部门二会签", "窗口受理", "申请人补正", "统一出件",
))
# Partner steps: the department's name, then one of these (processes.personalize).
PARTNER_SUFFIXES = ("会签", "协查核验")
# Parallel steps open at once are listed with this (Case.current_step).
SEPARATOR = "、"


def step_label(name: str) -> str:
    """``name`` in the reader's language (unchanged in Chinese mode, and for names of an
    operator's own process, which are data)."""
    if not name or not wants_english_names():
        return name
    if SEPARATOR in name:
        return ", ".join(step_label(part) for part in name.split(SEPARATOR))
    if name in STOCK_STEP_NAMES:
        return pgettext("step", name)
    for suffix in PARTNER_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            department = _department_name_en(name[: -len(suffix)])
            if department:
                return f"{department} {pgettext('step', suffix)}"
    return name


def _department_name_en(name: str) -> str:
    from yiwang.core.models import Department

    return Department.objects.filter(name=name).exclude(name_en="").values_list("name_en", flat=True).first() or ""
