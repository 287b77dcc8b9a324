"""Guide search (智能导办) endpoint: ``GET /intelligence/guide?q=`` — public, no token needed."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from yiwang.catalog.api import ItemSummary, summary
from yiwang.core.schemas import PUBLIC_ERRORS
from yiwang.intelligence import search

router = Router(tags=["intelligence"])


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
