from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "yiwang.cases"
    label = "cases"

    def ready(self) -> None:
        from yiwang.cases.sharing import check_case_reference
        from yiwang.exchange.policy import register_reference_check

        register_reference_check("case", check_case_reference)
        from yiwang.cases.metrics import open_cases_by_light
        from yiwang.core.ops.metrics import register_collector

        register_collector("cases", open_cases_by_light)
