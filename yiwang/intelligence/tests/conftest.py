from __future__ import annotations

import pytest

from yiwang.core.models import Department
from yiwang.intelligence import services
from yiwang.intelligence.tests import synthetic

ROUTES = {"交通运输": ("JT", "县交通运输局"), "教育文体": ("JY", "县教育局"), "环境保护": ("HB", "生态环境局某县分局"),
          "卫生计生": ("WJ", "县卫生健康委员会")}


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    services.forget_loaded_models()
    yield
    services.forget_loaded_models()


@pytest.fixture
def routes(db):
    for label, (code, name) in ROUTES.items():
        Department.objects.get_or_create(code=code, defaults={"name": name})
        services.set_category_route(actor=None, category=label, department_code=code)
    return ROUTES


@pytest.fixture
def trained(db):
    """A first model version, trained from imported synthetic examples, active."""
    services.import_examples(actor=None, rows=synthetic.examples())
    return services.train_classifier(actor=None).model
