"""One way to page a list in the API: Django Ninja's pagination with ``count`` and ``next``.

An operation names its query schema (its own ``limit`` bound: the most rows one answer may carry)
and how one row is shaped::

    @router.get("/cases", response={200: list[CaseSummary], **ERRORS})
    @paginate(CountNextPagination, query=CasePageQuery, shape=case_summary)
    def list_my_cases(request): return selectors.applicant_cases(request.user)

The answer is ``{"count": all matches, "next": URL of the next page or null, "items": [...]}``;
a client follows ``next`` until it is null. The selector's order must be total (end in ``id``),
or a row could appear on two pages or none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

# Past this, an offset is refused (422) rather than sent to the database; a client pages with
# ``next``, and no list here is read a billion rows deep.
MAX_OFFSET = 1_000_000_000


class CountNextPagination(PaginationBase):
    class Output(Schema):
        count: int = Field(description="All matches, on every page")
        next: str | None = Field(description="URL of the next page; null on the last page")
        items: list[Any]

    def __init__(self, *, query: type[Schema], shape: Callable[[Any], dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Each operation has its own query schema (its own limit bound, its own component name).
        self.Input = query  # type: ignore[assignment]  # ninja declares Input as its own class; any Schema serves
        self.shape = shape

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> dict[str, Any]:
        offset, limit = pagination.offset, pagination.limit
        rows = list(queryset[offset : offset + limit])
        count = self._items_count(queryset)
        after = offset + len(rows)
        next_url = None
        if rows and after < count:
            query = request.GET.copy()
            query["offset"], query["limit"] = str(after), str(limit)
            next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        return {"count": count, "next": next_url, "items": [self.shape(row) for row in rows]}


def offset_field() -> Any:
    return Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip; follow ``next`` rather than computing it")
