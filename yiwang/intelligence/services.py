"""Use cases of ``intelligence``: classify for dispatch, keep corrections, train, activate, route.

``classify_appeal`` / ``classify_batch`` write nothing; they are generic (a title and a body), so that
12345 appeals and 一网统管 field events use the same classifier. Every other function is one write in
one transaction with its audit record.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.errors import Conflict, InvalidInput, NotFound
from yiwang.core.models import Department
from yiwang.core.services import record_audit
from yiwang.core.users import User
from yiwang.intelligence import classifier, selectors
from yiwang.intelligence.datasets import MAX_LABEL_CHARS, read_labelled_csv
from yiwang.intelligence.errors import IntelligenceErrorCode
from yiwang.intelligence.models import (
    CategoryRoute,
    ClassifierArtifact,
    ClassifierModel,
    ExampleSource,
    LabelledExample,
)

logger = logging.getLogger(__name__)


# Classification --------------------------------------------------------------------------------

class Reason:
    """Why a result is not dispatched automatically (``None`` when it is)."""

    NO_MODEL = "no_model"
    MODEL_UNAVAILABLE = "model_unavailable"
    LOW_CONFIDENCE = "low_confidence"
    NO_ROUTE = "no_route"
    TOO_SHORT = "too_short"
    NO_CHINESE = "no_chinese_text"


@dataclass(frozen=True)
class Alternative:
    category: str
    confidence: float
    department: str | None
    department_name: str | None


@dataclass(frozen=True)
class Classification:
    """A dispatch suggestion. ``dispatch`` is true only when ``department`` may receive it without a person."""

    category: str | None
    confidence: float | None
    department: str | None
    department_name: str | None
    dispatch: bool
    alternatives: list[Alternative] = field(default_factory=list)
    model_version: int | None = None
    reason: str | None = None
    message: str | None = None
    truncated: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# Loaded pipelines by (row id, digest): rows are never rewritten, so an entry never goes stale.
# A failure is cached too, so a corrupt model is not re-read on every request.
_loaded: dict[tuple[int, str], classifier.Predictor | classifier.ModelUnavailable] = {}


def _predictor(active: selectors.ActiveModel) -> classifier.Predictor:
    key = (active.pk, active.sha256)
    cached = _loaded.get(key)
    if cached is None:
        try:
            cached = classifier.Predictor(classifier.load(selectors.model_blob(active.pk), sha256=active.sha256,
                                                          signature=active.signature))
        except classifier.ModelUnavailable as exc:
            logger.error("Classifier v%s unavailable, appeals go to human triage: %s", active.version, exc)
            cached = exc
        _loaded.clear()
        _loaded[key] = cached
    if isinstance(cached, classifier.ModelUnavailable):
        raise cached
    return cached


def forget_loaded_models() -> None:
    """Drop this process's cache of loaded models (tests; after restoring a database)."""
    _loaded.clear()


def _fallback(reason: str, message: str, *, version: int | None, truncated: bool) -> Classification:
    return Classification(category=None, confidence=None, department=None, department_name=None, dispatch=False,
                          alternatives=[], model_version=version, reason=reason, message=message,
                          truncated=truncated)


def _prepare_all(items: Sequence[tuple[str | None, str | None]]) -> list[classifier.Text]:
    texts = []
    for index, (title, body) in enumerate(items):
        text = classifier.prepare(title, body)
        if not text.title and not text.body:
            details: dict[str, Any] = {"field": "title"}
            if len(items) > 1:
                details["index"] = index
            raise InvalidInput(IntelligenceErrorCode.EMPTY_TEXT,
                               _("请填写诉求的标题或内容：空白内容无法分类。") if len(items) == 1 else
                               _("第 %(n)d 条诉求的标题和内容都为空：空白内容无法分类。") % {"n": index + 1},
                               details)
        texts.append(text)
    return texts


def classify_batch(items: Sequence[tuple[str | None, str | None]]) -> list[Classification]:
    """Classify (title, body) pairs in one pass; same order out. Never fails for want of a model."""
    limit = selectors.max_batch()
    if not items:
        raise InvalidInput(IntelligenceErrorCode.BATCH_EMPTY, _("请至少提交一条诉求。"), {"max": limit})
    if len(items) > limit:
        raise InvalidInput(IntelligenceErrorCode.BATCH_TOO_LARGE,
                           _("一次最多分类 %(max)d 条，本次提交了 %(n)d 条，请分批提交。") % {"max": limit, "n": len(items)},
                           {"max": limit, "count": len(items)})
    texts = _prepare_all(items)
    active = selectors.active_model()
    if active is None:
        return [_fallback(Reason.NO_MODEL, _("尚未训练分拨模型，请人工分拨。"), version=None, truncated=t.truncated)
                for t in texts]
    try:
        ranked = classifier.predict(_predictor(active), texts, k=3)
    except Exception:  # a model that loads but cannot predict must not stop intake either
        logger.exception("Classifier v%s failed; appeals go to human triage", active.version)
        return [_fallback(Reason.MODEL_UNAVAILABLE, _("分拨模型不可用（缺失或已损坏），请人工分拨。"),
                          version=active.version, truncated=t.truncated) for t in texts]
    routes = selectors.routes()
    return [_decide(text, top, routes, active) for text, top in zip(texts, ranked, strict=True)]


def classify_appeal(*, title: str | None, body: str | None = None) -> Classification:
    """Suggest a category and department for one message (an appeal, a field event)."""
    return classify_batch([(title, body)])[0]


def _decide(text: classifier.Text, top: list[tuple[str, float]], routes: dict[str, selectors.Route],
            active: selectors.ActiveModel) -> Classification:
    alternatives = [
        Alternative(category=label, confidence=round(p, 4),
                    department=routes[label].department if label in routes else None,
                    department_name=routes[label].department_name if label in routes else None)
        for label, p in top
    ]
    best = alternatives[0]
    reason, message = None, None
    if text.meaningful_chars < classifier.MIN_TEXT_CHARS:
        reason, message = Reason.TOO_SHORT, _("内容过短，无法可靠分类，请人工分拨。")
    elif not text.has_chinese:
        reason, message = Reason.NO_CHINESE, _("未识别到中文内容，请人工分拨。")
    elif best.confidence < active.min_confidence:
        reason = Reason.LOW_CONFIDENCE
        message = _("置信度 %(confidence).2f 低于自动分拨阈值 %(threshold).2f，请人工分拨。") % {
            "confidence": best.confidence, "threshold": active.min_confidence}
    elif best.department is None:
        reason = Reason.NO_ROUTE
        message = _("类别“%(category)s”尚未配置承办部门，请人工分拨。") % {"category": best.category}
    return Classification(
        category=best.category, confidence=best.confidence, department=best.department,
        department_name=best.department_name, dispatch=reason is None, alternatives=alternatives,
        model_version=active.version, reason=reason, message=message, truncated=text.truncated,
    )


# Labelled examples -----------------------------------------------------------------------------

def _clean_label(value: str, field_name: str) -> str:
    label = (value or "").strip()
    if not label or len(label) > MAX_LABEL_CHARS:
        raise InvalidInput(IntelligenceErrorCode.UNKNOWN_CATEGORY,
                           _("类别不能为空，且不超过 %(n)d 个字符。") % {"n": MAX_LABEL_CHARS}, {"field": field_name})
    return label


def record_correction(
    *,
    actor: User | None,
    title: str,
    body: str = "",
    predicted: str | None,
    corrected: str,
    model_version: int | None = None,
) -> LabelledExample:
    """Keep a person's correction of a suggested category as a labelled example for the next training."""
    label = _clean_label(corrected, "corrected")
    if label not in selectors.known_categories():
        raise InvalidInput(IntelligenceErrorCode.UNKNOWN_CATEGORY,
                           _("类别“%(label)s”不存在：请选择现有类别，或先在类别分拨路由中添加。") % {"label": label},
                           {"field": "corrected", "label": label})
    title = (title or "").strip()
    body = (body or "").strip()
    if not title and not body:
        raise InvalidInput(IntelligenceErrorCode.EMPTY_TEXT, _("请填写诉求的标题或内容。"), {"field": "title"})
    with transaction.atomic():
        example = LabelledExample.objects.create(
            title=title[:500], body=body, label=label, predicted=(predicted or "")[:64],
            model_version=model_version, source=ExampleSource.CORRECTION,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        record_audit(actor=actor, event_type="classification_corrected", subject_type="labelled_example",
                     subject_id=example.pk,
                     details={"predicted": predicted or "", "corrected": label, "model_version": model_version})
    return example


def import_examples(
    *, actor: User | None, rows: Iterable[tuple[str, str, str]], source: str = ExampleSource.IMPORT,
    origin: str = "",
) -> int:
    """Keep (title, body, label) rows as labelled examples (e.g. closed appeals with their final department)."""
    if source not in ExampleSource.values:
        raise InvalidInput(IntelligenceErrorCode.TRAINING_DATA_INVALID, _("样本来源无效。"), {"field": "source"})
    who = actor if actor is not None and actor.is_authenticated else None
    objects = [LabelledExample(title=t[:500], body=b, label=_clean_label(label, "label"), source=source,
                               created_by=who) for t, b, label in rows]
    with transaction.atomic():
        LabelledExample.objects.bulk_create(objects, batch_size=1000)
        record_audit(actor=actor, event_type="labelled_examples_imported", subject_type="labelled_example",
                     subject_id=source, details={"count": len(objects), "source": source, "origin": origin})
    return len(objects)


# Training and versions -------------------------------------------------------------------------

@dataclass(frozen=True)
class TrainingOutcome:
    model: ClassifierModel
    activated: bool
    refused_reason: str | None


class Trigger:
    """What started a training (kept in the version's data summary and audit record)."""

    MANUAL = "manual"
    SCHEDULE = "schedule"


def _refusal(metrics: dict[str, Any], min_macro_f1: float | None, max_regression: float) -> str | None:
    """Why a new version must not be promoted, or ``None``."""
    if min_macro_f1 is not None and metrics["macro_f1"] < min_macro_f1:
        return _("宏平均 F1 %(f1).4f 低于要求的 %(min).4f，新模型已保存但未启用。") % {
            "f1": metrics["macro_f1"], "min": min_macro_f1}
    compared = metrics.get("active")
    if compared and compared.get("macro_f1") is not None and \
            metrics["macro_f1"] < compared["macro_f1"] - max_regression:
        return _("在同一评估集上，新模型宏平均 F1 %(f1).4f 比当前启用的 v%(v)s（%(old).4f）低了超过 %(margin).4f，"
                 "新模型已保存但未启用。") % {"f1": metrics["macro_f1"], "v": compared["version"],
                                          "old": compared["macro_f1"], "margin": max_regression}
    return None


def _score_active(test_x: list[classifier.Text], test_y: list[str]) -> dict[str, Any] | None:
    """The active version's scores on the evaluation set (it was never trained on it), if it loads."""
    active = selectors.active_model()
    if active is None:
        return None
    try:
        predicted = [top[0][0] for top in classifier.predict(_predictor(active), test_x, k=1)]
    except classifier.ModelUnavailable as exc:
        return {"version": active.version, "macro_f1": None, "problem": str(exc)}
    result = classifier.scores(test_y, predicted)
    return {"version": active.version, "macro_f1": result["macro_f1"], "accuracy": result["accuracy"]}


def train_classifier(
    *,
    actor: User | None,
    csv_paths: Sequence[str] = (),
    use_platform_examples: bool = True,
    save_csv_examples: bool = False,
    test_size: float = 0.2,
    min_macro_f1: float | None = None,
    max_regression: float | None = None,
    activate: bool = True,
    trigger: str = Trigger.MANUAL,
    progress: Callable[[str], None] | None = None,
) -> TrainingOutcome:
    """Train a new version, evaluate it beside the active one, store it, and promote it if it is good enough.

    The evaluation set is the share ``test_size`` of the examples chosen by a hash of their text
    (``classifier.in_evaluation_set``): the same messages in every training, never trained on by any
    stored version. The new version is fitted on the other examples and scored on that set, and so is
    the active version. It is stored in any case, and activated only if ``activate`` and its macro-F1
    is at least ``min_macro_f1`` (when given) and not lower than the active version's by more than
    ``max_regression`` (default: ``selectors.max_regression()``).
    """
    say = progress or (lambda _msg: None)
    if not 0.05 <= test_size <= 0.5:
        raise InvalidInput(IntelligenceErrorCode.TRAINING_DATA_INVALID, _("留出比例须在 0.05 到 0.5 之间。"),
                           {"field": "test_size"})
    if max_regression is None:
        max_regression = selectors.max_regression()
    elif not 0.0 <= max_regression <= 1.0:
        raise InvalidInput(IntelligenceErrorCode.TRAINING_DATA_INVALID, _("允许的退步幅度须在 0 到 1 之间。"),
                           {"field": "max_regression"})
    files = [read_labelled_csv(p) for p in csv_paths]
    # Files first, platform examples after: on the same text, the newer (a person's correction) wins.
    by_text: dict[tuple[str, str], str] = {}
    summary: dict[str, Any] = {"csv": [], "platform": {}, "trigger": trigger}
    for f in files:
        summary["csv"].append({"path": f.path, "sha256": f.sha256, "rows": len(f.rows)})
        for row in f.rows:
            by_text[(row.title, row.body)] = row.label
    if use_platform_examples:
        sources: Counter[str] = Counter()
        for title, body, label, source in selectors.training_examples():
            by_text[(title, body)] = label
            sources[source] += 1
        summary["platform"] = dict(sources)
    if not by_text:
        raise InvalidInput(IntelligenceErrorCode.TRAINING_DATA_INVALID,
                           _("没有可用于训练的标注样本：请用 --from-csv 提供标注文件，或先积累人工纠正。"), {})
    texts = [classifier.prepare(title, body) for title, body in by_text]
    labels = list(by_text.values())
    train_x, test_x, train_y, test_y = classifier.evaluation_split(texts, labels, share=test_size)
    try:
        counts = classifier.check_training_labels(labels)
        classifier.check_training_labels(train_y)
    except ValueError:
        scarce = sorted(k for k, n in Counter(train_y).items() if n < classifier.MIN_EXAMPLES_PER_LABEL)
        scarce += sorted(set(labels) - set(train_y))
        message = (_("至少需要两个类别才能训练。") if len(set(labels)) < 2 else
                   _("以下类别除去评估集后的样本少于 %(n)d 条，无法训练：%(labels)s") % {
                       "n": classifier.MIN_EXAMPLES_PER_LABEL, "labels": "、".join(scarce)})
        raise InvalidInput(IntelligenceErrorCode.TRAINING_DATA_INVALID, message, {"labels": scarce}) from None
    if not test_y:
        raise InvalidInput(IntelligenceErrorCode.TRAINING_DATA_INVALID,
                           _("样本太少，评估集为空：请增加标注样本或调大留出比例。"), {"field": "test_size"})
    summary.update(examples=len(labels), duplicates_dropped=sum(len(f.rows) for f in files)
                   + sum(summary["platform"].values()) - len(labels), labels=counts)

    say(f"{len(labels)} examples, {len(counts)} labels; evaluation set {len(test_y)} ({test_size:.0%} by text hash)")
    started = time.perf_counter()
    pipeline = classifier.fit(train_x, train_y)
    metrics = classifier.evaluate(pipeline, test_x, test_y)
    metrics.update(n_train=len(train_y), test_size=test_size, fit_seconds=round(time.perf_counter() - started, 1))
    say(f"evaluation set: accuracy {metrics['accuracy']:.4f}, macro-F1 {metrics['macro_f1']:.4f} on {len(test_y)}")
    compared = _score_active(test_x, test_y)
    if compared is not None:
        metrics["active"] = compared
        say(f"active v{compared['version']} on the same set: macro-F1 {compared['macro_f1']}")
    metrics["max_regression"] = max_regression
    blob, sha256, signature = classifier.dump(pipeline)

    refused = _refusal(metrics, min_macro_f1, max_regression)
    with transaction.atomic():
        if save_csv_examples and files:
            who = actor if actor is not None and actor.is_authenticated else None
            LabelledExample.objects.bulk_create(
                [LabelledExample(title=r.title[:500], body=r.body, label=r.label, source=ExampleSource.IMPORT,
                                 created_by=who) for f in files for r in f.rows], batch_size=1000)
        version = (ClassifierModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        try:
            with transaction.atomic():
                trained = ClassifierModel.objects.create(
                    version=version, created_by=actor if actor is not None and actor.is_authenticated else None,
                    labels=sorted(counts), metrics=metrics, training_data=summary,
                    sha256=sha256, signature=signature, size_bytes=len(blob),
                )
                ClassifierArtifact.objects.create(model=trained, data=blob)
        except IntegrityError:
            raise Conflict(IntelligenceErrorCode.TRAINING_CONFLICT,
                           _("另一次训练同时完成了，请重试。"), {"version": version}) from None
        record_audit(actor=actor, event_type="classifier_trained", subject_type="classifier_model",
                     subject_id=version, details={"metrics": {k: metrics[k] for k in ("accuracy", "macro_f1",
                                                                                       "n_train", "n_test")},
                                                  "active": compared, "trigger": trigger,
                                                  "sha256": sha256, "refused": bool(refused)})
        if refused:
            record_audit(actor=actor, event_type="classifier_promotion_refused", subject_type="classifier_model",
                         subject_id=version, details={"reason": refused, "macro_f1": metrics["macro_f1"],
                                                      "active": compared, "min_macro_f1": min_macro_f1,
                                                      "max_regression": max_regression})
        activated = False
        if activate and refused is None:
            _activate(trained, actor=actor)
            activated = True
    return TrainingOutcome(model=trained, activated=activated, refused_reason=refused)


def retrain_if_due(*, actor: User | None = None, min_corrections: int | None = None,
                   progress: Callable[[str], None] | None = None) -> TrainingOutcome | None:
    """The scheduled retraining: a new version from the platform's examples when enough staff
    corrections arrived since the active version was trained; promoted only if it passes the
    evaluation (``train_classifier``). ``None`` when not due."""
    needed = selectors.retrain_min_corrections() if min_corrections is None else min_corrections
    waiting = selectors.corrections_since_active()
    if waiting < needed:
        (progress or (lambda _msg: None))(f"{waiting} corrections since the active version; {needed} needed")
        return None
    return train_classifier(actor=actor, trigger=Trigger.SCHEDULE, progress=progress)


def _activate(row: ClassifierModel, *, actor: User | None, event: str = "classifier_activated") -> None:
    previous = list(ClassifierModel.objects.select_for_update().filter(is_active=True).exclude(pk=row.pk)
                    .values_list("version", flat=True))
    ClassifierModel.objects.filter(version__in=previous).update(is_active=False)
    now = timezone.now()
    ClassifierModel.objects.filter(pk=row.pk).update(is_active=True, activated_at=now)
    row.is_active, row.activated_at = True, now
    record_audit(actor=actor, event_type=event, subject_type="classifier_model",
                 subject_id=row.version, details={"previous": previous[0] if previous else None})


def activate_classifier(*, actor: User | None, version: int,
                        event: str = "classifier_activated") -> ClassifierModel:
    """Make ``version`` the model in use (an operator's choice: no evaluation gate)."""
    row = ClassifierModel.objects.filter(version=version).first()
    if row is None:
        raise NotFound(IntelligenceErrorCode.MODEL_NOT_FOUND, _("分拨模型版本 %(v)s 不存在。") % {"v": version},
                       {"version": version})
    try:  # check before switching, outside the transaction: unpickling takes a moment
        classifier.load(selectors.model_blob(row.pk), sha256=row.sha256, signature=row.signature)
    except classifier.ModelUnavailable as exc:
        raise Conflict(IntelligenceErrorCode.MODEL_UNAVAILABLE,
                       _("分拨模型版本 %(v)s 已损坏或不是本系统训练的，不能启用。") % {"v": version},
                       {"version": version, "problem": str(exc)}) from None
    with transaction.atomic():
        _activate(row, actor=actor, event=event)
    return row


def rollback_classifier(*, actor: User | None) -> ClassifierModel:
    """Return to the version that was active before the current one (audited as ``classifier_rolled_back``)."""
    target = selectors.rollback_target()
    if target is None:
        raise Conflict(IntelligenceErrorCode.NOTHING_TO_ROLL_BACK,
                       _("没有可回滚的上一个版本。"), {})
    return activate_classifier(actor=actor, version=target.version, event="classifier_rolled_back")


def set_min_confidence(*, actor: User | None, version: int, value: float | None) -> ClassifierModel:
    """Set (or clear, to use the system setting) a version's dispatch threshold."""
    if value is not None and not 0.0 <= value <= 1.0:
        raise InvalidInput(IntelligenceErrorCode.TRAINING_DATA_INVALID, _("阈值须在 0 到 1 之间。"),
                           {"field": "min_confidence"})
    with transaction.atomic():
        row = ClassifierModel.objects.select_for_update().filter(version=version).first()
        if row is None:
            raise NotFound(IntelligenceErrorCode.MODEL_NOT_FOUND, _("分拨模型版本 %(v)s 不存在。") % {"v": version},
                           {"version": version})
        old = row.min_confidence
        row.min_confidence = value
        row.save(update_fields=["min_confidence"])
        record_audit(actor=actor, event_type="classifier_threshold_changed", subject_type="classifier_model",
                     subject_id=version, details={"old": old, "new": value})
    return row


def set_category_route(*, actor: User | None, category: str, department_code: str) -> CategoryRoute:
    """Route a category to a department (creates or changes the route)."""
    label = _clean_label(category, "category")
    department = Department.objects.filter(code=department_code).first()
    if department is None:
        raise InvalidInput(IntelligenceErrorCode.DEPARTMENT_NOT_FOUND,
                           _("部门代码 %(code)s 不存在。") % {"code": department_code}, {"field": "department"})
    with transaction.atomic():
        route = CategoryRoute.objects.select_for_update().filter(category=label).first()
        old = None
        if route is None:
            route = CategoryRoute.objects.create(category=label, department=department)
        else:
            old = route.department.code
            route.department = department
            route.save(update_fields=["department", "updated_at"])
        record_audit(actor=actor, event_type="category_route_set", subject_type="category_route",
                     subject_id=label, details={"department": department.code, "previous": old})
    return route


def remove_category_route(*, actor: User | None, category: str) -> None:
    with transaction.atomic():
        route = CategoryRoute.objects.select_for_update().filter(category=category).select_related("department").first()
        if route is None:
            return
        code = route.department.code
        route.delete()
        record_audit(actor=actor, event_type="category_route_removed", subject_type="category_route",
                     subject_id=category, details={"department": code})
