"""Evaluation before promotion, rollback in one action, the scheduled retraining from corrections."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from yiwang.core.errors import Conflict
from yiwang.core.models import AuditEvent
from yiwang.intelligence import classifier, selectors, services, tasks
from yiwang.intelligence.models import ClassifierModel, ExampleSource, LabelledExample
from yiwang.intelligence.tests import synthetic


def _in_evaluation(title: str, body: str) -> bool:
    return classifier.in_evaluation_set(classifier.prepare(title, body), 0.2)


def _train_first_version() -> ClassifierModel:
    services.import_examples(actor=None, rows=synthetic.examples())
    outcome = services.train_classifier(actor=None)
    assert outcome.activated
    return outcome.model


def test_the_evaluation_set_is_chosen_by_the_text_alone_and_never_trained_on(db):
    rows = synthetic.examples()
    texts = [classifier.prepare(t, b) for t, b, _label in rows]
    labels = [label for *_x, label in rows]
    # the same message is on the same side whatever else is in the data
    whole = classifier.evaluation_split(texts, labels, share=0.2)[1]
    half = classifier.evaluation_split(texts[::2], labels[::2], share=0.2)[1]
    assert set(half) == set(whole) & set(texts[::2])
    assert 0.1 < len(whole) / len(texts) < 0.3
    # and a stored version is trained on the rest only
    row = _train_first_version()
    assert row.metrics["n_test"] == len(whole)
    assert row.metrics["n_train"] == len(texts) - len(whole)


def test_a_retrained_version_is_compared_with_the_active_one_and_promoted_if_not_worse(db):
    first = _train_first_version()
    services.record_correction(actor=None, title="地铁站电梯坏了", body="", predicted="卫生计生", corrected="交通运输")
    outcome = services.train_classifier(actor=None)
    # the active version was scored on the same evaluation set, and the new one replaced it
    assert outcome.activated and outcome.refused_reason is None
    assert outcome.model.metrics["active"]["version"] == first.version
    assert outcome.model.metrics["active"]["macro_f1"] >= 0.9
    assert selectors.active_model().version == outcome.model.version


def test_a_retrained_version_worse_than_the_active_one_is_stored_but_not_promoted(db):
    _train_first_version()
    # given wrong corrections: every 交通运输 training message "corrected" to 教育文体 (the
    # evaluation set keeps its true labels, so the new version must be measurably worse there)
    for title, body, label in synthetic.examples(["交通运输"]):
        if not _in_evaluation(title, body):
            services.record_correction(actor=None, title=title, body=body, predicted=label, corrected="教育文体")
    # when
    outcome = services.train_classifier(actor=None)
    # then it is kept, inactive, with the reason; version 1 stays in use
    assert not outcome.activated
    assert "v1" in outcome.refused_reason
    assert outcome.model.metrics["macro_f1"] < outcome.model.metrics["active"]["macro_f1"] - 0.01
    assert selectors.active_model().version == 1
    refusal = AuditEvent.objects.get(event_type="classifier_promotion_refused")
    assert refusal.subject_id == str(outcome.model.version)
    # a margin wide enough lets the same data through
    assert services.train_classifier(actor=None, max_regression=1.0).activated


def test_the_promotion_margin_comes_from_the_setting(db, settings):
    _train_first_version()
    for title, body, label in synthetic.examples(["交通运输"]):
        if not _in_evaluation(title, body):
            services.record_correction(actor=None, title=title, body=body, predicted=label, corrected="教育文体")
    settings.YIWANG_CLASSIFIER_MAX_REGRESSION = 1.0
    assert services.train_classifier(actor=None).activated


def test_rollback_returns_to_the_previously_active_version_in_one_call(db):
    _train_first_version()
    services.record_correction(actor=None, title="地铁站电梯坏了", body="", predicted="卫生计生", corrected="交通运输")
    services.train_classifier(actor=None)
    assert selectors.active_model().version == 2
    # when
    row = services.rollback_classifier(actor=None)
    # then version 1 is back, classifications say so, and the rollback is audited as such
    assert row.version == 1
    assert services.classify_appeal(title="公交车班次太少").model_version == 1
    event = AuditEvent.objects.filter(event_type="classifier_rolled_back").get()
    assert (event.subject_id, event.details["previous"]) == ("1", 2)
    # a second rollback returns to the version active before that, i.e. 2
    assert services.rollback_classifier(actor=None).version == 2


def test_rollback_without_an_earlier_version_is_refused(db):
    with pytest.raises(Conflict):
        services.rollback_classifier(actor=None)
    _train_first_version()
    with pytest.raises(Conflict) as err:
        services.rollback_classifier(actor=None)
    assert "没有可回滚" in err.value.message
    assert selectors.active_model().version == 1


def test_rollback_from_the_command_and_the_admin(db, admin_client):
    _train_first_version()
    services.train_classifier(actor=None, max_regression=1.0)
    out = io.StringIO()
    call_command("train_dispatcher", "--rollback", stdout=out)
    assert "Rolled back to v1" in out.getvalue()
    assert selectors.active_model().version == 1
    # the admin action acts on the active version only
    second = ClassifierModel.objects.get(version=2)
    response = admin_client.post("/admin/intelligence/classifiermodel/",
                                 {"action": "rollback", "_selected_action": [second.pk]}, follow=True)
    assert "请只选择当前启用的版本" in response.content.decode()
    assert selectors.active_model().version == 1
    first = ClassifierModel.objects.get(version=1)
    response = admin_client.post("/admin/intelligence/classifiermodel/",
                                 {"action": "rollback", "_selected_action": [first.pk]}, follow=True)
    assert response.status_code == 200
    assert selectors.active_model().version == 2
    assert AuditEvent.objects.filter(event_type="classifier_rolled_back").count() == 2


def test_command_rollback_with_nothing_to_roll_back_fails_clearly(db):
    with pytest.raises(CommandError, match="没有可回滚"):
        call_command("train_dispatcher", "--rollback", stdout=io.StringIO())


def test_scheduled_retraining_waits_for_enough_corrections(db):
    _train_first_version()
    services.record_correction(actor=None, title="地铁站电梯坏了", body="", predicted="卫生计生", corrected="交通运输")
    # not due: one correction, two needed
    out = io.StringIO()
    call_command("retrain_dispatcher", "--min-corrections", "2", stdout=out)
    assert "Not due" in out.getvalue()
    assert ClassifierModel.objects.count() == 1
    # due: a new version, trained by the schedule, compared and promoted
    services.record_correction(actor=None, title="公交站台没有遮雨棚", body="", predicted="环境保护",
                               corrected="交通运输")
    out = io.StringIO()
    call_command("retrain_dispatcher", "--min-corrections", "2", stdout=out)
    new = ClassifierModel.objects.get(version=2)
    assert new.is_active and new.training_data["trigger"] == "schedule"
    assert new.training_data["platform"][ExampleSource.CORRECTION] == 2
    assert "Activated v2" in out.getvalue()
    # and the corrections it learnt from no longer count towards the next run
    assert selectors.corrections_since_active() == 0
    assert services.retrain_if_due(actor=None, min_corrections=1) is None


def test_scheduled_retraining_that_is_refused_exits_non_zero(db):
    _train_first_version()
    for title, body, label in synthetic.examples(["交通运输"]):
        if not _in_evaluation(title, body):
            services.record_correction(actor=None, title=title, body=body, predicted=label, corrected="教育文体")
    with pytest.raises(CommandError, match="未启用"):
        call_command("retrain_dispatcher", "--min-corrections", "1", stdout=io.StringIO())
    assert selectors.active_model().version == 1


def test_the_periodic_task_uses_the_setting(db, settings):
    _train_first_version()
    settings.YIWANG_CLASSIFIER_RETRAIN_MIN_CORRECTIONS = 1
    assert tasks.retrain_dispatcher.enqueue().return_value is None
    services.record_correction(actor=None, title="地铁站电梯坏了", body="", predicted="卫生计生", corrected="交通运输")
    assert tasks.retrain_dispatcher.enqueue().return_value == 2
    assert LabelledExample.objects.filter(source=ExampleSource.CORRECTION).count() == 1
