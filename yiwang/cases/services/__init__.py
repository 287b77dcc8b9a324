"""Every change of a case's state, one function each (one transaction, audit included)."""

from yiwang.cases.services.approval import complete_step
from yiwang.cases.services.intake import (
    LicenceRef,
    MaterialRef,
    submit_application,
    supply_correction,
    withdraw_application,
)
from yiwang.cases.services.repair import move_case, record_engine_failure
from yiwang.cases.services.supervision import escalate_overdue_steps, urge_case
from yiwang.cases.services.uploads import stage_upload
from yiwang.cases.services.window import accept_application, deliver_result, reject_application, request_correction

__all__ = [
    "LicenceRef",
    "MaterialRef",
    "accept_application",
    "complete_step",
    "deliver_result",
    "escalate_overdue_steps",
    "move_case",
    "record_engine_failure",
    "reject_application",
    "request_correction",
    "stage_upload",
    "submit_application",
    "supply_correction",
    "urge_case",
    "withdraw_application",
]
