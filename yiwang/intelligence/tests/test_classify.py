"""Classification for dispatch: the decision, its thresholds, and every way it must fall back to people."""

from __future__ import annotations

import pytest
from django.test import override_settings

from yiwang.core.errors import InvalidInput
from yiwang.intelligence import services
from yiwang.intelligence.errors import IntelligenceErrorCode
from yiwang.intelligence.models import CategoryRoute, ClassifierArtifact
from yiwang.intelligence.services import Reason


def test_a_clear_appeal_is_dispatched_to_its_department(trained, routes):
    # when
    result = services.classify_appeal(title="B县公交车班次太少等车很久", body="每天早上公交车班次太少，等车很久。")
    # then
    assert (result.category, result.department, result.department_name) == ("交通运输", "JT", "县交通运输局")
    assert result.dispatch and result.reason is None and result.message is None
    assert 0.5 <= result.confidence <= 1
    assert result.model_version == 1
    assert [a.category for a in result.alternatives][0] == "交通运输"
    assert len(result.alternatives) == 3
    assert all(a.department for a in result.alternatives)
    assert result.alternatives[0].confidence >= result.alternatives[1].confidence >= result.alternatives[2].confidence


def test_below_the_threshold_it_asks_for_human_triage(trained, routes):
    # given a system-wide threshold no suggestion reaches
    with override_settings(YIWANG_DISPATCH_MIN_CONFIDENCE=0.999):
        # when
        result = services.classify_appeal(title="公交车班次太少")
    # then the suggestion is shown but not dispatched, and the reason says why
    assert result.category == "交通运输" and not result.dispatch
    assert result.reason == Reason.LOW_CONFIDENCE and "0.999" not in result.message and "阈值" in result.message


def test_the_version_threshold_wins_over_the_setting(trained, routes):
    services.set_min_confidence(actor=None, version=1, value=0.0)
    with override_settings(YIWANG_DISPATCH_MIN_CONFIDENCE=0.999):
        assert services.classify_appeal(title="公交车班次太少").dispatch


def test_a_category_without_a_route_is_not_dispatched(trained, routes):
    CategoryRoute.objects.filter(category="交通运输").delete()
    result = services.classify_appeal(title="公交车班次太少等车很久")
    assert result.category == "交通运输" and result.department is None and not result.dispatch
    assert result.reason == Reason.NO_ROUTE


def test_without_a_model_everything_goes_to_human_triage(db):
    # when nothing was trained yet
    result = services.classify_appeal(title="公交车班次太少")
    # then no category is guessed, and the reason is given
    assert (result.category, result.confidence, result.department, result.dispatch) == (None, None, None, False)
    assert result.reason == Reason.NO_MODEL and result.message
    assert result.alternatives == [] and result.model_version is None


def test_a_corrupt_stored_model_falls_back_to_human_triage(trained, routes):
    # given the active model's bytes were damaged in storage
    ClassifierArtifact.objects.filter(model=trained).update(data=b"\x00" * 100)
    # when
    results = services.classify_batch([("公交车班次太少", ""), ("小学学位紧张", "")])
    # then every message is sent to people, none crashes
    assert [r.reason for r in results] == [Reason.MODEL_UNAVAILABLE] * 2
    assert all(not r.dispatch and r.category is None and r.model_version == 1 for r in results)


def test_a_missing_stored_model_falls_back_to_human_triage(trained, routes):
    ClassifierArtifact.objects.filter(model=trained).delete()
    result = services.classify_appeal(title="公交车班次太少")
    assert result.reason == Reason.MODEL_UNAVAILABLE and not result.dispatch


def test_a_five_character_appeal_is_classified(trained, routes):
    result = services.classify_appeal(title="小学学位紧")
    assert result.category == "教育文体" and result.reason in (None, Reason.LOW_CONFIDENCE)


def test_two_characters_are_too_few_to_dispatch(trained, routes):
    result = services.classify_appeal(title="你好")
    assert not result.dispatch and result.reason == Reason.TOO_SHORT and "过短" in result.message


def test_english_is_not_dispatched(trained, routes):
    result = services.classify_appeal(title="The bus never comes on time", body="Please add more buses.")
    assert not result.dispatch and result.reason == Reason.NO_CHINESE and "中文" in result.message


def test_a_50000_character_appeal_is_cut_and_classified(trained, routes):
    # given a message of 50,000 characters
    body = "化工厂排放污水河水发黑。" * 4200
    assert len(body) > 50_000
    # when
    result = services.classify_appeal(title="化工厂" * 20_000, body=body)
    # then it is classified from its beginning and says so (its speed: bench/classifier.py)
    assert result.truncated and result.category == "环境保护"


@pytest.mark.parametrize(("title", "body"), [("", ""), ("   ", None), ("\n\t", " \u3000 ")])
def test_an_empty_appeal_is_refused_with_a_clear_message(db, title, body):
    with pytest.raises(InvalidInput) as err:
        services.classify_appeal(title=title, body=body)
    assert err.value.code == IntelligenceErrorCode.EMPTY_TEXT
    assert "标题或内容" in err.value.message


def test_a_batch_keeps_its_order_and_names_the_empty_item(trained, routes):
    results = services.classify_batch([("小学学位紧张孩子入学难", ""), ("化工厂排放污水", ""), ("人民医院看病排队太长", "")])
    assert [r.category for r in results] == ["教育文体", "环境保护", "卫生计生"]
    with pytest.raises(InvalidInput) as err:
        services.classify_batch([("小学学位紧张", ""), ("", "")])
    assert err.value.details["index"] == 1 and "第 2 条" in err.value.message


def test_a_batch_above_the_cap_is_refused(db):
    with override_settings(YIWANG_CLASSIFY_MAX_BATCH=3):
        with pytest.raises(InvalidInput) as err:
            services.classify_batch([("公交车", "")] * 4)
    assert err.value.code == IntelligenceErrorCode.BATCH_TOO_LARGE and "3" in err.value.message
    with pytest.raises(InvalidInput):
        services.classify_batch([])


def test_thresholds_may_come_from_the_environment(monkeypatch):
    from yiwang.intelligence import selectors

    monkeypatch.setenv("YIWANG_DISPATCH_MIN_CONFIDENCE", "0.8")
    monkeypatch.setenv("YIWANG_CLASSIFY_MAX_BATCH", "50")
    assert (selectors.default_min_confidence(), selectors.max_batch()) == (0.8, 50)
    monkeypatch.setenv("YIWANG_DISPATCH_MIN_CONFIDENCE", "eighty percent")
    assert selectors.default_min_confidence() == 0.5
