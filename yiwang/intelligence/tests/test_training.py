"""Training, versions, activation and rollback, thresholds kept per version, CSV files from operators."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from yiwang.core.errors import Conflict, InvalidInput, NotFound
from yiwang.core.models import AuditEvent
from yiwang.intelligence import classifier, selectors, services
from yiwang.intelligence.datasets import read_labelled_csv
from yiwang.intelligence.models import ClassifierArtifact, ClassifierModel, ExampleSource, LabelledExample
from yiwang.intelligence.tests import synthetic


def test_training_stores_an_active_version_with_metrics_and_a_data_summary(db):
    # given imported examples
    services.import_examples(actor=None, rows=synthetic.examples())
    # when a model is trained from them
    outcome = services.train_classifier(actor=None)
    row = ClassifierModel.objects.get()
    assert outcome.activated and outcome.model == row
    # then it is version 1, active, measured on a held-out split, and describes its data
    assert (row.version, row.is_active) == (1, True)
    assert row.labels == sorted(synthetic.TOPICS)
    assert row.metrics["macro_f1"] >= 0.9
    assert row.metrics["n_test"] + row.metrics["n_train"] == len(synthetic.examples())
    assert set(row.metrics["per_class"]) == set(synthetic.TOPICS)
    assert row.training_data["platform"] == {ExampleSource.IMPORT: len(synthetic.examples())}
    assert row.training_data["labels"] == {label: 48 for label in synthetic.TOPICS}
    assert ClassifierArtifact.objects.get(model=row).data
    assert AuditEvent.objects.filter(event_type="classifier_trained", subject_id="1").exists()
    assert AuditEvent.objects.filter(event_type="classifier_activated", subject_id="1").exists()


def test_retraining_activates_a_new_version_and_the_old_one_can_be_restored(trained, routes):
    # given a second version trained with staff corrections added
    services.import_examples(actor=None, rows=synthetic.examples())
    services.record_correction(actor=None, title="地铁站电梯坏了", body="", predicted="卫生计生", corrected="交通运输")
    second = services.train_classifier(actor=None).model
    assert second.version == 2
    assert services.classify_appeal(title="公交车班次太少").model_version == 2
    # when the operator rolls back
    services.activate_classifier(actor=None, version=1)
    # then version 1 is the only active one and classifications say so
    assert list(ClassifierModel.objects.filter(is_active=True).values_list("version", flat=True)) == [1]
    assert services.classify_appeal(title="公交车班次太少").model_version == 1
    assert AuditEvent.objects.filter(event_type="classifier_activated", subject_id="1").count() == 2
    assert second.training_data["platform"][ExampleSource.CORRECTION] == 1


def test_a_model_below_the_required_macro_f1_is_kept_but_not_activated(trained):
    services.import_examples(actor=None, rows=synthetic.examples())
    # when a retraining must reach an impossible score
    outcome = services.train_classifier(actor=None, min_macro_f1=1.01)
    # then it is stored inactive, the previous version stays in use, and the reason is given
    assert not outcome.activated
    assert "1.0100" in outcome.refused_reason
    assert ClassifierModel.objects.get(is_active=True).version == 1
    assert not ClassifierModel.objects.get(version=2).is_active


def test_a_corrupt_version_cannot_be_activated(trained):
    # given a second version whose stored bytes were altered
    services.import_examples(actor=None, rows=synthetic.examples(per_label=10))
    services.train_classifier(actor=None, activate=False)
    ClassifierArtifact.objects.filter(model__version=2).update(data=b"tampered")
    # when / then
    with pytest.raises(Conflict) as err:
        services.activate_classifier(actor=None, version=2)
    assert "损坏" in err.value.message
    assert ClassifierModel.objects.get(is_active=True).version == 1
    with pytest.raises(NotFound):
        services.activate_classifier(actor=None, version=99)


def test_training_without_enough_examples_says_what_is_missing(db):
    with pytest.raises(InvalidInput, match="没有可用于训练的标注样本"):
        services.train_classifier(actor=None)
    services.import_examples(actor=None, rows=synthetic.examples(per_label=3))
    with pytest.raises(InvalidInput) as err:
        services.train_classifier(actor=None)
    assert "交通运输" in err.value.message and err.value.details["labels"]


def test_per_version_threshold_overrides_the_setting(trained):
    services.set_min_confidence(actor=None, version=1, value=0.9)
    assert selectors.active_model().min_confidence == 0.9
    services.set_min_confidence(actor=None, version=1, value=None)
    assert selectors.active_model().min_confidence == selectors.default_min_confidence()
    with pytest.raises(InvalidInput):
        services.set_min_confidence(actor=None, version=1, value=1.5)


def test_corrections_are_kept_as_labelled_examples(trained, django_user_model):
    # given a staff member correcting a suggestion
    clerk = django_user_model.objects.create_user(username="agent")
    # when
    example = services.record_correction(actor=clerk, title="学校门口红绿灯坏了", body="", predicted="教育文体",
                                         corrected="交通运输", model_version=1)
    # then the example carries who, when, what was predicted, and it is audited
    example.refresh_from_db()
    assert (example.source, example.label, example.predicted, example.created_by) == (
        ExampleSource.CORRECTION, "交通运输", "教育文体", clerk)
    assert example.created_at is not None
    assert AuditEvent.objects.filter(event_type="classification_corrected", actor=clerk).exists()
    # and a category nobody knows is refused (a typo must not become a class)
    with pytest.raises(InvalidInput, match="交通运送"):
        services.record_correction(actor=clerk, title="x路口", body="", predicted=None, corrected="交通运送")


# CSV files from operators ----------------------------------------------------------------------

def test_csv_with_extra_columns_and_no_body_is_read(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("id,title,label,note\n1,公交车太挤,交通运输,x\n\n2,小学学位紧张,教育文体,y\n", encoding="utf-8")
    data = read_labelled_csv(path)
    assert [(r.title, r.body, r.label) for r in data.rows] == [("公交车太挤", "", "交通运输"),
                                                                ("小学学位紧张", "", "教育文体")]
    assert len(data.sha256) == 64


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("title,body\n公交车太挤,很挤\n".encode(), 1, "label"),
        ("title,label\n公交车太挤,交通运输\n小学学位紧张,\n".encode(), 3, "label"),
        ("title,label\n公交车太挤,交通运输\n".encode() + "小学学位紧张,教育文体\n".encode("gbk"), 3, "UTF-8"),
        ("title,label\n公交车太挤,交通运输,多余\n".encode(), 2, "列数"),
        (b"title,label\n", None, "没有数据行"),
    ],
)
def test_bad_csv_files_are_refused_naming_file_and_line(tmp_path, content, line, words):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidInput) as err:
        read_labelled_csv(path)
    assert str(path) in err.value.message and words in err.value.message
    assert err.value.details["line"] == line
    if line:
        assert f"第 {line} 行" in err.value.message


def test_missing_file_is_named(tmp_path):
    with pytest.raises(InvalidInput, match="nowhere.csv"):
        read_labelled_csv(tmp_path / "nowhere.csv")


# The management command ------------------------------------------------------------------------

def test_command_trains_from_csv_files_reports_metrics_and_rolls_back(db, tmp_path):
    rows = synthetic.examples()
    first = synthetic.write_csv(tmp_path / "a.csv", rows[::2])
    second = synthetic.write_csv(tmp_path / "b.csv", [(t, lab) for t, _b, lab in rows[1::2]], header=("title", "label"))
    out = io.StringIO()
    # when trained from two files (repeatable option), the second with titles only
    call_command("train_dispatcher", "--from-csv", first, "--from-csv", second, "--min-macro-f1", "0.5", stdout=out)
    # then the held-out figures and the per-class table are reported and v1 is active
    text = out.getvalue()
    assert "macro-F1" in text and "accuracy" in text and "环境保护" in text and "Activated v1" in text
    row = ClassifierModel.objects.get(version=1)
    assert [f["rows"] for f in row.training_data["csv"]] == [len(rows[::2]), len(rows[1::2])]
    assert not LabelledExample.objects.exists()  # files are read, not copied, unless asked
    # when a second version is trained and the first restored
    call_command("train_dispatcher", "--from-csv", first, "--save-csv-examples", stdout=io.StringIO())
    assert LabelledExample.objects.filter(source=ExampleSource.IMPORT).count() == len(rows[::2])
    out = io.StringIO()
    call_command("train_dispatcher", "--activate", "1", "--threshold", "0.7", stdout=out)
    assert "Activated v1" in out.getvalue()
    assert ClassifierModel.objects.get(is_active=True).min_confidence == 0.7
    out = io.StringIO()
    call_command("train_dispatcher", "--list", stdout=out)
    assert "* v1" in out.getvalue() and "  v2" in out.getvalue()


def test_command_refuses_activation_below_min_macro_f1(db, tmp_path):
    path = synthetic.write_csv(tmp_path / "a.csv", synthetic.examples())
    with pytest.raises(CommandError, match="--activate 1"):
        call_command("train_dispatcher", "--from-csv", path, "--min-macro-f1", "1.01", stdout=io.StringIO())
    assert not ClassifierModel.objects.filter(is_active=True).exists()


def test_command_reports_a_bad_file_clearly(db, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("title,label\n公交车太挤,交通运输\n".encode("gbk"))
    with pytest.raises(CommandError, match=r"gbk\.csv 第 2 行.*UTF-8"):
        call_command("train_dispatcher", "--from-csv", str(path), stdout=io.StringIO())


def test_loaded_model_is_the_verified_one(trained):
    active = selectors.active_model()
    pipeline = classifier.load(selectors.model_blob(active.pk), sha256=active.sha256, signature=active.signature)
    assert list(pipeline.classes_) == sorted(synthetic.TOPICS)
