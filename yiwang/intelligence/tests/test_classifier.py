"""The classifier itself: preparation of text, the fast predictor, storage and its trust checks."""

from __future__ import annotations

import numpy as np
import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from yiwang.intelligence import classifier
from yiwang.intelligence.tests import synthetic


@pytest.fixture(scope="module")
def fitted():
    rows = synthetic.examples()
    texts = [classifier.prepare(t, b) for t, b, _label in rows]
    return classifier.fit(texts, [label for *_x, label in rows]), texts


def test_fast_predictor_computes_what_the_pipeline_computes(fitted):
    # given a fitted pipeline and messages, some of them unlike the training data
    pipeline, texts = fitted
    probe = texts[:20] + [classifier.prepare("孩子入学难", ""), classifier.prepare("", "河水发黑有臭味"),
                          classifier.prepare("hello", "world")]
    # when both compute probabilities
    expected = pipeline.predict_proba(probe)
    actual = classifier.Predictor(pipeline).predict_proba(probe)
    # then they agree
    assert np.allclose(expected, actual, atol=1e-6)
    assert classifier.Predictor(pipeline).classes == list(pipeline.classes_)


@pytest.mark.parametrize("name", sorted(classifier.RECIPES))
def test_fast_predictor_agrees_with_the_pipeline_for_every_recipe(name):
    # given a model of each recipe, trained on messages with and without a body
    rows = synthetic.examples()
    texts = [classifier.prepare(t, b if i % 2 else "") for i, (t, b, _label) in enumerate(rows)]
    pipeline = classifier.fit(texts, [label for *_x, label in rows], classifier.RECIPES[name])
    probe = texts[:10] + [classifier.prepare("孩子入学难", ""), classifier.prepare("", "河水发黑有臭味")]
    # then the fast predictor computes the same probabilities, title-only messages included
    assert np.allclose(pipeline.predict_proba(probe), classifier.Predictor(pipeline).predict_proba(probe), atol=1e-6)


def test_title_as_body_reads_the_title_of_a_message_without_body():
    recipe = classifier.Recipe(title_as_body=True)
    texts = [classifier.prepare("公交车班次太少", ""), classifier.prepare("标题", "正文")]
    assert classifier.bodies_or_titles(texts) == ["公交车班次太少", "正文"]
    rows = synthetic.examples()
    pipeline = classifier.fit([classifier.prepare(t, b) for t, b, _l in rows], [label for *_x, label in rows], recipe)
    # the body block of a title-only message is not empty: it has the title's character n-grams
    body_block = dict(pipeline.named_steps["features"].transformer_list)["body_chars"]
    assert body_block.transform(texts[:1]).nnz > 0


def test_fast_predictor_handles_two_classes():
    # given a binary model (scikit-learn then has a single decision column)
    rows = synthetic.examples(labels=["交通运输", "环境保护"])
    texts = [classifier.prepare(t, b) for t, b, _label in rows]
    pipeline = classifier.fit(texts, [label for *_x, label in rows])
    # when / then
    assert np.allclose(pipeline.predict_proba(texts), classifier.Predictor(pipeline).predict_proba(texts), atol=1e-6)


def test_character_keys_are_the_same_ngrams_as_scikit_learn():
    # given a text with CJK, Latin, digits, punctuation and a space
    text = "a市公交车 12路，太挤了!"
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), lowercase=False).fit([text])
    # when
    keys = set(classifier._char_keys(text, 1, 3).tolist())
    # then
    assert keys == {classifier._gram_key(g) for g in vec.vocabulary_}


def test_prepare_normalises_and_cuts_long_text():
    # given a 50,000-character message with full-width characters
    body = "ＡＢＣ  路灯\t不亮" + "很" * 50_000
    # when
    text = classifier.prepare("Ｔｉｔｌｅ  标题", body)
    # then it is cut to what the classifier reads (its cost: bench/classifier.py, 50,000 characters)
    assert text.title == "title 标题"
    assert text.body.startswith("abc 路灯 不亮")
    assert len(text.body) == classifier.MAX_BODY_CHARS
    assert text.truncated


def test_stored_model_round_trips_and_is_verified(fitted):
    # given a stored model
    pipeline, texts = fitted
    blob, sha256, signature = classifier.dump(pipeline)
    # when it is loaded with its digest and signature
    loaded = classifier.load(blob, sha256=sha256, signature=signature)
    # then it predicts as before
    assert np.allclose(loaded.predict_proba(texts[:5]), pipeline.predict_proba(texts[:5]))


def test_altered_or_foreign_model_bytes_are_refused(fitted):
    pipeline, _texts = fitted
    blob, sha256, signature = classifier.dump(pipeline)
    # altered bytes
    with pytest.raises(classifier.ModelUnavailable, match="SHA-256"):
        classifier.load(blob[:-1] + bytes([blob[-1] ^ 1]), sha256=sha256, signature=signature)
    # missing bytes
    with pytest.raises(classifier.ModelUnavailable):
        classifier.load(None, sha256=sha256, signature=signature)
    # bytes and digest written by someone without this installation's key
    with override_settings(SECRET_KEY="another-installation", SECRET_KEY_FALLBACKS=[]):
        with pytest.raises(classifier.ModelUnavailable, match="signed"):
            classifier.load(blob, sha256=sha256, signature=signature)
    # digest and signature right, but not a model (e.g. written by an incompatible version)
    import hashlib
    junk = b"not a zlib stream"
    junk_sha = hashlib.sha256(junk).hexdigest()
    with pytest.raises(classifier.ModelUnavailable, match="unpickle"):
        classifier.load(junk, sha256=junk_sha, signature=classifier.digest_signature(junk_sha))


def test_a_rotated_secret_key_still_loads_models_signed_with_the_old_one(fitted):
    pipeline, _texts = fitted
    blob, sha256, signature = classifier.dump(pipeline)
    with override_settings(SECRET_KEY="new-key", SECRET_KEY_FALLBACKS=[classifier.settings.SECRET_KEY]):
        assert classifier.load(blob, sha256=sha256, signature=signature) is not None


def test_too_few_examples_of_a_label_are_named():
    with pytest.raises(ValueError, match="卫生计生"):
        classifier.check_training_labels(["交通运输"] * 10 + ["卫生计生"] * 2)
    with pytest.raises(ValueError, match="two labels"):
        classifier.check_training_labels(["交通运输"] * 10)


@settings(max_examples=150, deadline=None)
@given(title=st.text(max_size=300), body=st.text(max_size=3000))
def test_any_text_gets_probabilities_that_sum_to_one(fitted_predictor, title, body):
    proba = fitted_predictor.predict_proba([classifier.prepare(title, body)])
    assert proba.shape == (1, len(synthetic.TOPICS))
    assert abs(proba.sum() - 1) < 1e-6 and (proba >= 0).all()


@pytest.fixture(scope="module")
def fitted_predictor(fitted):
    return classifier.Predictor(fitted[0])
