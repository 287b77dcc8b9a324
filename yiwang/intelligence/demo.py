"""Demo category → department routes for the dispatch classifier. No model is seeded: each
installation trains its own (``python manage.py train_dispatcher --from-csv …``)."""

from __future__ import annotations

from yiwang.core.users import User
from yiwang.intelligence.models import CategoryRoute
from yiwang.intelligence.services import set_category_route

DEMO_ROUTES = {
    "城乡建设": "ZJ",
    "劳动和社会保障": "RS",
    "教育文体": "JY",
    "商贸旅游": "SCJG",
    "环境保护": "HB",
    "卫生计生": "WJ",
    "交通运输": "JT",
}


def seed_category_routes(*, actor: User | None = None) -> int:
    """Create the routes that do not exist yet (an operator's later changes are kept)."""
    existing = set(CategoryRoute.objects.values_list("category", flat=True))
    created = 0
    for category, department in DEMO_ROUTES.items():
        if category not in existing:
            set_category_route(actor=actor, category=category, department_code=department)
            created += 1
    return created
