class CatalogErrorCode:
    ITEM_NOT_FOUND = "item_not_found"
    ITEM_INACTIVE = "item_inactive"
    PROCESS_REJECTED = "process_rejected"
    UNKNOWN_DEPARTMENT = "unknown_department"
    RULES_REJECTED = "rules_rejected"
    FORM_SCHEMA_INVALID = "form_schema_invalid"
    PACKAGE_NOT_FOUND = "package_not_found"
