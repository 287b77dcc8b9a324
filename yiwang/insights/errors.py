"""Stable error codes of ``insights`` (the message is in the reader's language; the code is not)."""


class InsightsErrorCode:
    NOT_ALLOWED = "kpi_not_allowed"
    PERIOD_INVALID = "period_invalid"
    PERIOD_TOO_LONG = "period_too_long"
    DEPARTMENT_NOT_FOUND = "department_not_found"
    DEPARTMENT_NOT_YOURS = "department_not_yours"
    ITEM_NOT_FOUND = "item_not_found"
    KPI_NOT_FOUND = "kpi_not_found"
    TARGET_INVALID = "target_invalid"
    BASELINE_SOURCE_REQUIRED = "kpi_baseline_source_required"
    BASELINE_NO_DATA = "kpi_baseline_no_data"
