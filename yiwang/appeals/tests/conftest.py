"""A small county for appeals: intake staff, three handling departments, the catch-all, and the
classifier trained on intelligence's synthetic topics (routes to JT, JY, HB, WJ)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from yiwang.appeals import services
from yiwang.appeals.models import AppealChannel
from yiwang.intelligence import classifier
from yiwang.intelligence import services as intelligence
from yiwang.intelligence.models import ClassifierArtifact, ClassifierModel
from yiwang.intelligence.tests import synthetic
from yiwang.testing import factories

ROUTES = {"交通运输": "JT", "教育文体": "JY", "环境保护": "HB", "卫生计生": "WJ"}
# a Monday morning in Shanghai (2026-03-02 09:00 +08:00)
NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@dataclass
class County:
    dispatcher: Any
    agent: Any
    grid: Any
    jt: Any
    jt_head: Any
    hb: Any
    catch_all: Any
    supervisor: Any
    citizen: Any


@pytest.fixture(scope="session")
def synthetic_model() -> tuple[bytes, str, str]:
    rows = synthetic.examples()
    pipeline = classifier.fit([classifier.prepare(t, b) for t, b, _label in rows], [label for *_x, label in rows])
    return classifier.dump(pipeline)


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    intelligence.forget_loaded_models()
    yield
    intelligence.forget_loaded_models()


@pytest.fixture
def county(db, synthetic_model) -> County:
    for code in ("JT", "JY", "HB", "WJ", "RX", "XZFB"):
        factories.department(code, {"RX": "12345热线中心", "XZFB": "县政府办公室"}.get(code))
    for label, code in ROUTES.items():
        intelligence.set_category_route(actor=None, category=label, department_code=code)
    blob, sha256, signature = synthetic_model
    row = ClassifierModel.objects.create(version=1, labels=sorted(synthetic.TOPICS), metrics={"macro_f1": 1.0},
                                         sha256=sha256, signature=signature, size_bytes=len(blob))
    ClassifierArtifact.objects.create(model=row, data=blob)
    intelligence.activate_classifier(actor=None, version=1)
    return County(
        dispatcher=factories.user("dispatcher", RX="dispatcher"),
        agent=factories.user("agent", RX="agent"),
        grid=factories.user("grid", XZFB="grid"),
        jt=factories.user("jt_staff", JT="reviewer"),
        jt_head=factories.user("jt_head", JT="head"),
        hb=factories.user("hb_staff", HB="reviewer"),
        catch_all=factories.user("xzfb_staff", XZFB="reviewer"),
        supervisor=factories.user("supervisor", RX="supervisor"),
        citizen=factories.user("citizen"),
    )


CLEAR = "B县公交车高峰期拥堵严重"  # the synthetic model routes this to 交通运输 → JT
VAGUE = "关于一些事情的反映意见"


def submit(actor: Any = None, *, channel: str = AppealChannel.PORTAL, title: str = CLEAR, now: dt.datetime = NOW,
           **fields: Any):
    fields.setdefault("body", "我是B县居民，公交车高峰期拥堵严重，已经反映多次还没有解决，希望有关部门尽快处理。"
                      if title == CLEAR else "")
    fields.setdefault("address", "某县城关镇人民路1号")
    return services.submit_appeal(actor=actor, intake=services.Intake(channel=channel, title=title, **fields),
                                  now=now)
