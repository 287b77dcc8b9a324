"""Intelligence pages: the portal's guide search page (智能导办): ``/guide/?q=`` — a question in, the items to apply for out."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yiwang.intelligence import search

EXAMPLES = ("我要开一家饭店需要办什么", "社保卡丢了怎么办", "孩子要上小学了", "房子过户要办哪些手续", "老人满80岁有什么补贴")


def guide(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:2000]
    answer = search.guide_search(q, limit=10) if q.strip() else None
    return render(request, "intelligence/guide.html", {"q": q.strip()[:search.MAX_QUERY_CHARS], "answer": answer,
                                                       "examples": EXAMPLES})
