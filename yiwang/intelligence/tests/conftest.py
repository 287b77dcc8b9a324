from __future__ import annotations

import pytest

from yiwang.core.models import Department
from yiwang.intelligence import classifier, services
from yiwang.intelligence.models import ClassifierArtifact, ClassifierModel
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


@pytest.fixture(scope="session")
def synthetic_model() -> tuple[bytes, str, str]:
    """One fit of the synthetic data per test process, stored as the platform stores it."""
    rows = synthetic.examples()
    pipeline = classifier.fit([classifier.prepare(t, b) for t, b, _label in rows], [label for *_x, label in rows])
    return classifier.dump(pipeline)


@pytest.fixture
def trained(db, synthetic_model):
    """Version 1, fitted on the synthetic examples, active (``train_classifier`` itself is tested apart)."""
    blob, sha256, signature = synthetic_model
    row = ClassifierModel.objects.create(version=1, labels=sorted(synthetic.TOPICS), metrics={"macro_f1": 1.0},
                                         sha256=sha256, signature=signature, size_bytes=len(blob))
    ClassifierArtifact.objects.create(model=row, data=blob)
    return services.activate_classifier(actor=None, version=1)
