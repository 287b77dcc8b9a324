"""The text classifier behind dispatch: features, fitting, evaluation and (de)serialisation.

Pure machine learning, no database: ``services`` stores, versions and activates what this builds.

Features (chosen by 5-fold cross-validation on the training part of the appeals data, see
``docs/benchmarks.md``): jieba word 1–2-grams of the title, character 1–3-grams of the title and
character 1–3-grams of the first ``MAX_BODY_CHARS`` of the body, each TF-IDF (sublinear); a linear
SVM on their union; sigmoid calibration (fitted on cross-validated decisions, one final SVM) for a
confidence between 0 and 1. The body is not segmented with jieba: on this data it adds nothing the
character n-grams do not already give, and segmenting bodies would cost about 1 ms per message.

Trust boundary: a fitted pipeline is stored as pickle bytes. Unpickling runs code, so ``load``
accepts only bytes whose SHA-256 matches the digest recorded at training time *and* whose digest
carries this installation's HMAC (keyed by ``SECRET_KEY``): bytes written by anyone else, or
altered in the database, are refused. Never pass bytes from outside the platform's own storage.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import jieba
import numpy as np
from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from scipy import sparse
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

jieba.setLogLevel(logging.WARNING)

# What the classifier reads of a message: longer input is cut (and the result says so), which
# keeps one prediction well under 5 ms however long the text sent.
MAX_TITLE_CHARS = 200
MAX_BODY_CHARS = 2000
# Fewer meaningful characters (letters, digits, CJK) than this: classified, but never dispatched.
MIN_TEXT_CHARS = 4
# Each label needs this many examples to be trained on (a held-out split and calibration need them).
MIN_EXAMPLES_PER_LABEL = 5

FORMAT_VERSION = 1  # bump when the pipeline's classes change incompatibly
_HMAC_SALT = "yiwang.intelligence.classifier"
_SPACE = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_MEANINGFUL = re.compile(r"[\w]", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"\w", re.UNICODE)


class ModelUnavailable(Exception):
    """The stored model cannot be used (missing, corrupt, not ours, or from an incompatible version)."""


@dataclass(frozen=True)
class Text:
    """One message as the classifier sees it: normalised, cut to length."""

    title: str
    body: str
    truncated: bool

    @property
    def meaningful_chars(self) -> int:
        return len(_MEANINGFUL.findall(self.title)) + len(_MEANINGFUL.findall(self.body))

    @property
    def has_chinese(self) -> bool:
        return bool(_CJK.search(self.title) or _CJK.search(self.body))


def _clean(value: str | None, limit: int) -> tuple[str, bool]:
    raw = value or ""
    # Cut before normalising so that a 50,000-character message costs no more than a short one.
    cut = len(raw) > limit * 2
    raw = raw[: limit * 2]
    # Lone surrogates (valid in JSON as "\ud800", not in UTF-8) are dropped.
    raw = raw.encode("utf-8", "ignore").decode("utf-8") if _SURROGATE.search(raw) else raw
    text = _SPACE.sub(" ", unicodedata.normalize("NFKC", raw)).strip().lower()
    if len(text) > limit:
        return text[:limit], True
    return text, cut


def prepare(title: str | None, body: str | None = None) -> Text:
    """Normalise (NFKC: full-width to half-width, lower case, one space per run) and cut to length."""
    t, t_cut = _clean(title, MAX_TITLE_CHARS)
    b, b_cut = _clean(body, MAX_BODY_CHARS)
    return Text(title=t, body=b, truncated=t_cut or b_cut)


# Module-level functions, so that the fitted pipeline pickles them by name.
def words(text: str) -> list[str]:
    """jieba's words of ``text`` (precise mode), without punctuation and spaces."""
    return [w for w in jieba.lcut(text) if _WORD.search(w)]


def titles(texts: Sequence[Text]) -> list[str]:
    return [t.title for t in texts]


def bodies(texts: Sequence[Text]) -> list[str]:
    return [t.body for t in texts]


def bodies_or_titles(texts: Sequence[Text]) -> list[str]:
    """The body, or the title of a message that has none (titles-only training rows, short appeals)."""
    return [t.body or t.title for t in texts]


@dataclass(frozen=True)
class Recipe:
    """The settings that cross-validation chooses among (``bench/classifier.py``, docs/benchmarks.md)."""

    svm_c: float = 0.5
    # Read a message without a body as if its title were its body: the body features then also learn
    # from titles-only examples instead of from the ~1/5 of examples that have a body.
    title_as_body: bool = False


# Candidates the benchmark's nested cross-validation chooses among; DEFAULT_RECIPE is what training uses.
RECIPES: dict[str, Recipe] = {
    "v1": Recipe(),
    "title_as_body": Recipe(title_as_body=True),
}
# Chosen by the benchmark's nested cross-validation (docs/benchmarks.md, "Appeal classifier").
DEFAULT_RECIPE = RECIPES["title_as_body"]


def build_pipeline(texts: Sequence[Text], labels: Sequence[str], recipe: Recipe = DEFAULT_RECIPE) -> Pipeline:
    """An unfitted pipeline sized to the training data (small sets get no body features or rarer n-grams)."""
    with_body = sum(1 for t in texts if t.body)
    body_field = bodies_or_titles if recipe.title_as_body else bodies
    parts: list[tuple[str, Pipeline]] = [
        ("title_words", Pipeline([
            ("field", FunctionTransformer(titles)),
            ("tfidf", TfidfVectorizer(tokenizer=words, token_pattern=None, lowercase=False,
                                      ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32)),
        ])),
        ("title_chars", Pipeline([
            ("field", FunctionTransformer(titles)),
            ("tfidf", TfidfVectorizer(analyzer="char", lowercase=False, ngram_range=(1, 3),
                                      sublinear_tf=True, dtype=np.float32)),
        ])),
    ]
    if with_body >= 10:
        parts.append(("body_chars", Pipeline([
            ("field", FunctionTransformer(body_field)),
            ("tfidf", TfidfVectorizer(analyzer="char", lowercase=False, ngram_range=(1, 3),
                                      sublinear_tf=True, min_df=2 if with_body >= 50 else 1,
                                      max_features=200_000, dtype=np.float32)),
        ])))
    smallest = min(Counter(labels).values())
    svm = LinearSVC(C=recipe.svm_c)
    # One SVM fitted on all the data; sigmoid calibration learnt from cross-validated decisions.
    classifier = CalibratedClassifierCV(svm, method="sigmoid", cv=min(3, smallest), ensemble=False)
    return Pipeline([("features", FeatureUnion(parts)), ("classifier", classifier)])


def check_training_labels(labels: Sequence[str]) -> dict[str, int]:
    """Label counts; raises ``ValueError`` naming the labels that have too few examples."""
    counts = Counter(labels)
    if len(counts) < 2:
        raise ValueError("at least two labels are needed")
    scarce = sorted(label for label, n in counts.items() if n < MIN_EXAMPLES_PER_LABEL)
    if scarce:
        raise ValueError("too few examples for: " + ", ".join(scarce))
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def fit(texts: Sequence[Text], labels: Sequence[str], recipe: Recipe = DEFAULT_RECIPE) -> Pipeline:
    pipeline = build_pipeline(texts, labels, recipe)
    # The calibration's small L-BFGS problems run 3-5x slower (wall clock) with OpenBLAS threads
    # competing for the cores; one thread is faster, and leaves the other core to the web process.
    with threadpool_limits(limits=1, user_api="blas"):
        pipeline.fit(list(texts), list(labels))
    return pipeline


def evaluate(pipeline: Pipeline, texts: Sequence[Text], labels: Sequence[str]) -> dict:
    """Accuracy, macro-F1 and a per-class table of ``pipeline`` on examples it was not trained on."""
    return scores(labels, list(pipeline.predict(list(texts))))


def scores(labels: Sequence[str], predicted: Sequence[str]) -> dict:
    """Accuracy, macro-F1 (over the true labels) and a per-class table of predictions."""
    labels, predicted = list(labels), list(predicted)
    classes = sorted(set(labels) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        labels, predicted, labels=classes, zero_division=0
    )
    return {
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "macro_f1": round(float(f1_score(labels, predicted, labels=sorted(set(labels)), average="macro",
                                         zero_division=0)), 4),
        "n_test": len(labels),
        "per_class": {
            c: {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4),
                "support": int(s)}
            for c, p, r, f, s in zip(classes, precision, recall, f1, support, strict=True)
        },
    }


def split(texts: Sequence[Text], labels: Sequence[str], *, test_size: float, seed: int):
    """A stratified split: (train texts, test texts, train labels, test labels)."""
    return train_test_split(list(texts), list(labels), test_size=test_size, random_state=seed, stratify=list(labels))


def in_evaluation_set(text: Text, share: float) -> bool:
    """Whether a message belongs to the evaluation set that no stored version is trained on.

    Decided by the SHA-256 of the normalised text alone, so a message stays on the same side in every
    training: each version is measured on messages that neither it nor any earlier version has seen,
    and a new version can be compared with the active one on the same messages.
    """
    digest = hashlib.sha256(f"{text.title}\x00{text.body}".encode()).digest()
    return int.from_bytes(digest[:8], "big") < share * 2**64


def evaluation_split(texts: Sequence[Text], labels: Sequence[str], *, share: float):
    """(train texts, evaluation texts, train labels, evaluation labels) by ``in_evaluation_set``."""
    train_x, test_x, train_y, test_y = [], [], [], []
    for text, label in zip(texts, labels, strict=True):
        if in_evaluation_set(text, share):
            test_x.append(text)
            test_y.append(label)
        else:
            train_x.append(text)
            train_y.append(label)
    return train_x, test_x, train_y, test_y


# The field functions a stored pipeline may use, and which text each reads.
_FIELDS = {titles: "title", bodies: "body", bodies_or_titles: "body_or_title"}


def _char_keys(text: str, min_n: int, max_n: int) -> np.ndarray:
    """Each character n-gram of ``text`` (n = min_n..max_n, at most 3) as one integer, vectorised.

    Code point + 1 takes 21 bits, never 0; an n-gram packs n of them, so 1-, 2- and 3-grams cannot
    collide. The same n-grams, in any order, as scikit-learn's ``analyzer="char"`` on normalised text.
    """
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64) + np.uint64(1)
    parts = []
    for n in range(min_n, max_n + 1):
        if len(cps) < n:
            break
        key = cps[: len(cps) - n + 1].copy()
        for i in range(1, n):
            key = (key << np.uint64(21)) | cps[i: len(cps) - n + 1 + i]
        parts.append(key)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


def _gram_key(gram: str) -> int:
    key = 0
    for ch in gram:
        key = (key << 21) | (ord(ch) + 1)
    return key


class Predictor:
    """The fitted pipeline's arithmetic without scikit-learn's per-call checks.

    ``Pipeline.predict_proba`` spends 10–30 ms per call on input validation whatever the batch size,
    and a Python dict lookup per character n-gram; this computes the same numbers (TF-IDF blocks
    with sublinear tf and l2 norm, the SVM's decision, per-class sigmoid calibration, normalisation)
    with character n-grams looked up in numpy, in well under a millisecond per message.
    ``tests/test_classifier.py`` checks that both agree.
    """

    def __init__(self, pipeline: Pipeline):
        self.blocks: list[tuple] = []
        offset = 0
        for _name, sub in pipeline.named_steps["features"].transformer_list:
            field, vec = sub.named_steps["field"].func, sub.named_steps["tfidf"]
            if not (vec.sublinear_tf and vec.use_idf and vec.norm == "l2" and field in _FIELDS):
                raise ModelUnavailable("unexpected feature block in stored pipeline")
            idf = np.asarray(vec.idf_, dtype=np.float64)
            if vec.analyzer == "char":
                min_n, max_n = vec.ngram_range
                if max_n > 3 or vec.lowercase or vec.preprocessor is not None:
                    raise ModelUnavailable("unexpected character n-gram settings in stored pipeline")
                items = sorted((_gram_key(g), j) for g, j in vec.vocabulary_.items())
                keys = np.array([k for k, _j in items], dtype=np.uint64)
                ids = np.array([j for _k, j in items], dtype=np.int64)
                self.blocks.append(("char", _FIELDS[field], (min_n, max_n, keys, ids), idf, offset))
            else:
                self.blocks.append(("words", _FIELDS[field], (vec.build_analyzer(), vec.vocabulary_), idf, offset))
            offset += len(vec.vocabulary_)
        calibrated = pipeline.named_steps["classifier"]
        (fitted,) = calibrated.calibrated_classifiers_
        svm = fitted.estimator
        if list(svm.classes_) != list(calibrated.classes_):
            raise ModelUnavailable("class order of the stored pipeline is inconsistent")
        self.n_features = offset
        self.weights = np.ascontiguousarray(svm.coef_.T, dtype=np.float64)
        self.intercept = np.asarray(svm.intercept_, dtype=np.float64)
        self.a = np.array([c.a_ for c in fitted.calibrators], dtype=np.float64)
        self.b = np.array([c.b_ for c in fitted.calibrators], dtype=np.float64)
        self.classes = [str(c) for c in calibrated.classes_]

    @staticmethod
    def _char_counts(text: str, spec: tuple) -> tuple[np.ndarray, np.ndarray]:
        min_n, max_n, keys, ids = spec
        grams, counts = np.unique(_char_keys(text, min_n, max_n), return_counts=True)
        if not len(grams) or not len(keys):
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        pos = np.minimum(np.searchsorted(keys, grams), len(keys) - 1)  # sorted needles: cache-friendly
        hit = keys[pos] == grams
        return ids[pos[hit]], counts[hit].astype(np.float64)

    @staticmethod
    def _word_counts(text: str, spec: tuple) -> tuple[np.ndarray, np.ndarray]:
        analyze, vocab = spec
        counts: dict[int, int] = {}
        for gram in analyze(text):
            j = vocab.get(gram)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        return (np.fromiter(counts.keys(), dtype=np.int64, count=len(counts)),
                np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))

    def features(self, texts: Sequence[Text]) -> sparse.csr_matrix:
        indices: list[np.ndarray] = []
        values: list[np.ndarray] = []
        indptr = [0]
        for text in texts:
            n = indptr[-1]
            for kind, field, spec, idf, offset in self.blocks:
                value = text.title if field == "title" else text.body or (text.title if field == "body_or_title" else "")
                idx, tf = (self._char_counts if kind == "char" else self._word_counts)(value, spec)
                if not len(idx):
                    continue
                w = (1.0 + np.log(tf)) * idf[idx]
                w /= np.sqrt(np.dot(w, w))
                indices.append(idx + offset)
                values.append(w)
                n += len(idx)
            indptr.append(n)
        data = np.concatenate(values) if values else np.zeros(0)
        cols = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
        return sparse.csr_matrix((data, cols, np.array(indptr)), shape=(len(texts), self.n_features))

    def predict_proba(self, texts: Sequence[Text]) -> np.ndarray:
        scores = self.features(texts) @ self.weights + self.intercept
        calibrated = expit(-(self.a * scores + self.b))
        if len(self.classes) == 2:
            return np.column_stack([1.0 - calibrated[:, 0], calibrated[:, 0]])
        total = calibrated.sum(axis=1, keepdims=True)
        uniform = np.full_like(calibrated, 1.0 / len(self.classes))
        return np.divide(calibrated, total, out=uniform, where=total != 0)


def predict(predictor: Predictor, texts: Sequence[Text], k: int = 3) -> list[list[tuple[str, float]]]:
    """For each text, the ``k`` most likely labels with their probabilities, best first."""
    if not texts:
        return []
    proba = predictor.predict_proba(texts)
    top = np.argsort(-proba, axis=1, kind="stable")[:, :k]
    return [[(predictor.classes[j], float(proba[i, j])) for j in row] for i, row in enumerate(top)]


# Storage -------------------------------------------------------------------------------------

def digest_signature(sha256: str) -> str:
    """This installation's HMAC of a model digest: proves the platform itself wrote the bytes."""
    return salted_hmac(_HMAC_SALT, sha256, algorithm="sha256").hexdigest()


def _signature_ok(sha256: str, signature: str) -> bool:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        constant_time_compare(salted_hmac(_HMAC_SALT, sha256, secret=key, algorithm="sha256").hexdigest(), signature)
        for key in keys
    )


def dump(pipeline: Pipeline) -> tuple[bytes, str, str]:
    """(compressed pickle bytes, their SHA-256, its signature)."""
    blob = zlib.compress(pickle.dumps({"format": FORMAT_VERSION, "pipeline": pipeline},
                                      protocol=pickle.HIGHEST_PROTOCOL), 6)
    sha256 = hashlib.sha256(blob).hexdigest()
    return blob, sha256, digest_signature(sha256)


def load(blob: bytes | memoryview | None, *, sha256: str, signature: str) -> Pipeline:
    """Verify the digest and signature of stored bytes, then unpickle; ``ModelUnavailable`` otherwise."""
    if not blob:
        raise ModelUnavailable("no stored model bytes")
    data = bytes(blob)
    actual = hashlib.sha256(data).hexdigest()
    if not constant_time_compare(actual, sha256 or ""):
        raise ModelUnavailable(f"SHA-256 mismatch: stored {sha256}, computed {actual}")
    if not _signature_ok(sha256, signature or ""):
        raise ModelUnavailable("digest not signed by this installation's SECRET_KEY")
    try:
        payload = pickle.loads(zlib.decompress(data))  # noqa: S301 - verified above: our own bytes
    except Exception as exc:  # a model from an older code base may no longer unpickle
        raise ModelUnavailable(f"cannot unpickle: {exc!r}") from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
        raise ModelUnavailable("stored model has an incompatible format version")
    return payload["pipeline"]
