"""Error codes of ``intelligence`` (raised as ``yiwang.core.errors`` types, so the API shapes them)."""

from __future__ import annotations


class IntelligenceErrorCode:
    EMPTY_TEXT = "classify_empty_text"
    BATCH_TOO_LARGE = "classify_batch_too_large"
    BATCH_EMPTY = "classify_batch_empty"
    TRAINING_DATA_INVALID = "training_data_invalid"
    TRAINING_CONFLICT = "training_conflict"
    MODEL_NOT_FOUND = "classifier_model_not_found"
    MODEL_UNAVAILABLE = "classifier_model_unavailable"
    UNKNOWN_CATEGORY = "unknown_category"
    DEPARTMENT_NOT_FOUND = "department_not_found"
    NOT_STAFF = "not_staff"
    NOTHING_TO_ROLL_BACK = "classifier_nothing_to_roll_back"
