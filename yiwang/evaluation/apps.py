from typing import Any

from django.apps import AppConfig


def _guide_panel(item: Any) -> tuple[str, dict[str, Any]]:
    from yiwang.evaluation.selectors import item_figures

    return "evaluation/guide_panel.html", item_figures(item.pk)


def _seed(**kwargs: Any) -> dict[str, Any]:
    from yiwang.evaluation.demo import seed_evaluation

    return seed_evaluation(**kwargs)


class EvaluationConfig(AppConfig):
    name = "yiwang.evaluation"
    label = "evaluation"

    def ready(self) -> None:
        from yiwang.catalog.selectors import register_guide_panel
        from yiwang.core.demo import register_demo_seeder

        register_guide_panel(_guide_panel)  # the item's 好差评 figures on its public guide page
        register_demo_seeder("evaluation", _seed, order=10)
