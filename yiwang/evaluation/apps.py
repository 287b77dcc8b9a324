from typing import Any

from django.apps import AppConfig


def _guide_panel(item: Any) -> tuple[str, dict[str, Any]]:
    from yiwang.evaluation.selectors import item_figures

    return "evaluation/guide_panel.html", item_figures(item.pk)


def _case_panel(viewer: Any, case: Any) -> tuple[str, dict[str, Any]] | None:
    from yiwang.evaluation.selectors import case_rating_offer

    offer = case_rating_offer(viewer, case)
    return ("evaluation/case_panel.html", offer) if offer is not None else None


def _rating_link(case: Any, where: str) -> Any:
    from yiwang.evaluation.links import case_rating_link

    return case_rating_link(case, where)


def _seed(**kwargs: Any) -> dict[str, Any]:
    from yiwang.evaluation.demo import seed_evaluation

    return seed_evaluation(**kwargs)


class EvaluationConfig(AppConfig):
    name = "yiwang.evaluation"
    label = "evaluation"

    def ready(self) -> None:
        from yiwang.cases.rating import register_rating_link
        from yiwang.cases.selectors import register_case_panel
        from yiwang.catalog.selectors import register_guide_panel
        from yiwang.core.demo import register_demo_seeder

        register_guide_panel(_guide_panel)  # the item's 好差评 figures on its public guide page
        register_case_panel(_case_panel)  # 一事一评: rate the closed case from its own page
        register_demo_seeder("evaluation", _seed, order=10)
        register_rating_link(_rating_link)  # the receipt's QR code and the 办结 notice's link
