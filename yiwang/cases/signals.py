"""Hooks the apps above cases listen to (cases imports none of them).

``case_recorded`` is sent by ``services.common.audit_case``, i.e. once for every audited change of a
case, inside the change's transaction and after it: the case instance carries the saved values.
Receivers run in that transaction (a receiver's error rolls the change back), so they must be
cheap; ``yiwang.insights`` keeps its KPI rollups with it.

Arguments: ``case`` (the ``Case``), ``event_type`` (the audit event's type, e.g. ``case_submitted``)
and ``department`` (the actor's department recorded with it, or None).
"""

from __future__ import annotations

from django.dispatch import Signal

case_recorded = Signal()
