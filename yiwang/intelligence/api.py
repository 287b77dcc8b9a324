"""The intelligence API: classification for dispatch (``POST /intelligence/classify``), staff corrections,
and guide search (智能导办, ``GET /intelligence/guide?q=``, public)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from yiwang.catalog.api import ItemSummary, summary
from yiwang.core.errors import Forbidden
from yiwang.core.http import AuthenticatedRequest
from yiwang.core.schemas import ERRORS, PUBLIC_ERRORS
from yiwang.intelligence import search, services
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
def correct(request: AuthenticatedRequest, payload: CategoryCorrectionIn) -> Status:
    """Record a staff member's correction of a suggested category (labelled data for the next training)."""
    user = request.user
    if not (user.is_staff or user.staff_roles.exists()):
        raise Forbidden(IntelligenceErrorCode.NOT_STAFF, _("只有工作人员可以纠正分类。"))
    example = services.record_correction(actor=user, title=payload.title, body=payload.body,
                                         predicted=payload.predicted, corrected=payload.corrected,
                                         model_version=payload.model_version)
    return Status(201, {"id": example.pk, "label": example.label})

class GuideFilters(Schema):
    q: str = Field("", max_length=2000, description="一句话描述要办的事，例如“我要开一家饭店需要办什么”；只读前 200 字")
    department: str = Field("", max_length=32, description="只看该部门（部门代码）")
    kind: str = Field("", pattern="^(|person|org)$", description="服务对象：person 个人，org 法人")
    limit: int = Field(10, ge=1, le=50)
    offset: int = Field(0, ge=0, le=1000)


class GuideItemOut(ItemSummary):
    score: float = Field(description="BM25F 相关度，仅用于同一次查询内比较")
    matched_terms: list[str] = Field(description="命中的词，贡献大的在前")


class GuidePackageOut(Schema):
    code: str
    name: str
    summary: str
    score: float = Field(description="与事项同一标尺的相关度")
    matched_terms: list[str]


class GuideOut(Schema):
    query: str
    count: int = Field(description="相关事项总数（分页前）")
    items: list[GuideItemOut]
    packages: list[GuidePackageOut] = Field(description="回答这个问题的“一件事”套餐（一次申请办多个事项），只在第一页、不按部门筛选时给出")
    terms: list[str] = Field(description="从问题中切出的词（已去掉“怎么办”“需要”等）")
    expansions: list[str] = Field(description="按群众说法补充的事项用语，例如 开饭店 → 餐饮、食品经营")
    reason: str | None = Field(description="没有结果的原因：empty, too_short, no_terms, no_chinese_text, no_match")
    message: str | None
    truncated: bool = Field(description="问题超过 200 字，只读了前 200 字")


@router.get("/intelligence/guide", auth=None, response={200: GuideOut, **PUBLIC_ERRORS})
def guide(request: HttpRequest, filters: Query[GuideFilters]) -> dict:
    """Find the items for a question in a citizen's own words (智能导办), best first, with why each matched."""
    answer = search.guide_search(filters.q, department_code=filters.department, applicant_kind=filters.kind,
                                 limit=filters.limit, offset=filters.offset)
    return {
        "query": answer.query,
        "count": answer.count,
        "items": [{**summary(hit.item), "score": hit.score, "matched_terms": hit.matched_terms} for hit in answer.hits],
        "packages": [{"code": p.package.code, "name": p.package.name, "summary": p.package.summary, "score": p.score,
                      "matched_terms": p.matched_terms} for p in answer.packages],
        "terms": answer.terms,
        "expansions": answer.expansions,
        "reason": answer.reason,
        "message": answer.message,
        "truncated": answer.truncated,
    }
