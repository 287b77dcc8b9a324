"""Classification for dispatch (``POST /intelligence/classify``) and staff corrections."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from yiwang.core.errors import Forbidden
from yiwang.core.schemas import ERRORS
from yiwang.intelligence import services
from yiwang.intelligence.datasets import MAX_LABEL_CHARS
from yiwang.intelligence.errors import IntelligenceErrorCode
from yiwang.intelligence.models import LabelledExample

router = Router(tags=["intelligence"])

# A request body above Django's DATA_UPLOAD_MAX_MEMORY_SIZE is refused before it gets here; inside
# it, a long text is accepted and cut to what the classifier reads (``truncated`` says so).


class ClassifyIn(Schema):
    title: str = Field("", description="标题（留言主题、事件名称）")
    body: str | None = Field(None, description="内容（留言详情），可省略")


class AlternativeOut(Schema):
    category: str
    confidence: float
    department: str | None
    department_name: str | None


class ClassifyOut(Schema):
    category: str | None
    confidence: float | None
    department: str | None = Field(description="承办部门代码；dispatch 为 false 时仅供参考")
    department_name: str | None
    dispatch: bool = Field(description="true: 可自动分拨到 department；false: 需人工分拨，见 reason")
    alternatives: list[AlternativeOut]
    model_version: int | None
    reason: str | None = Field(description="不自动分拨的原因代码：no_model, model_unavailable, low_confidence, "
                                           "no_route, too_short, no_chinese_text")
    message: str | None
    truncated: bool


class CategoryCorrectionIn(Schema):
    # The lengths the stored example keeps (LabelledExample); a longer text is refused, not cut.
    title: str = Field(..., max_length=LabelledExample._meta.get_field("title").max_length)
    body: str = ""
    predicted: str | None = Field(None, max_length=MAX_LABEL_CHARS)
    corrected: str = Field(..., max_length=MAX_LABEL_CHARS)
    model_version: int | None = Field(None, ge=1, le=2**63 - 1)


class CategoryCorrectionOut(Schema):
    id: int
    label: str


@router.post("/intelligence/classify", response={200: ClassifyOut | list[ClassifyOut], **ERRORS})
def classify(request: HttpRequest, payload: ClassifyIn | list[ClassifyIn]) -> Any:
    """Suggest a category and department for one message, or for a list of them (at most
    ``YIWANG_CLASSIFY_MAX_BATCH``, 1,000 by default; more is a 422 ``batch_too_large``)."""
    if isinstance(payload, list):
        results = services.classify_batch([(item.title, item.body) for item in payload])
        return [r.as_dict() for r in results]
    return services.classify_appeal(title=payload.title, body=payload.body).as_dict()


@router.post("/intelligence/corrections", response={201: CategoryCorrectionOut, **ERRORS})
def correct(request: HttpRequest, payload: CategoryCorrectionIn) -> Status:
    """Record a staff member's correction of a suggested category (labelled data for the next training)."""
    user = request.user
    if not (user.is_staff or user.staff_roles.exists()):
        raise Forbidden(IntelligenceErrorCode.NOT_STAFF, _("只有工作人员可以纠正分类。"))
    example = services.record_correction(actor=user, title=payload.title, body=payload.body,
                                         predicted=payload.predicted, corrected=payload.corrected,
                                         model_version=payload.model_version)
    return Status(201, {"id": example.pk, "label": example.label})
