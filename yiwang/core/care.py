"""关怀版 (适老化, the elderly-friendly display): large text, high contrast, fewer elements and
plain words, switched from every page's header (docs/accessibility.md).

The choice is remembered per person: on the account (``UserPreferences.care_mode``) for someone
signed in, in a cookie for an anonymous visitor. A signed-in person who has never chosen gets what
the browser's cookie says, so someone who switched it on at the sign-in page keeps it after
signing in. The page itself changes only through a class on <html> and CSS (the CSP forbids
inline style), and the switch is a plain form POST: it works without JavaScript.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from yiwang.core.selectors import care_mode_of

COOKIE_NAME = "yiwang_care"
COOKIE_MAX_AGE = 365 * 24 * 3600

# Jargon on the citizen's pages and the plain words 关怀版 shows instead (both are msgids of the
# English catalogue). Only words a citizen reads are here; staff pages keep their terms of art.
PLAIN_WORDS: dict[str, str] = {
    "办事大厅": gettext_noop("找服务"),
    "智能导办": gettext_noop("问问怎么办"),
    "法定时限": gettext_noop("法律规定最多要多久"),
    "承诺时限": gettext_noop("我们答应多久办完"),
    "受理条件": gettext_noop("谁可以申请"),
    "窗口受理": gettext_noop("窗口收下材料"),
    "免提交：将通过数据共享获取，无需上传": gettext_noop("这份材料不用您交，我们直接向有关部门调取"),
    "请补正材料（一次性告知）": gettext_noop("请补交下面这些材料（只需补这一次）"),
    "提交补正": gettext_noop("交上补的材料"),
    "办结时限": gettext_noop("最晚哪天办完"),
    "当前环节": gettext_noop("现在办到哪一步"),
}


def care_mode_for(request: HttpRequest) -> bool:
    """Is 关怀版 on for this request? Read once per request."""
    cached = getattr(request, "_yiwang_care", None)
    if cached is None:
        user = getattr(request, "user", None)
        stored = care_mode_of(user) if user is not None else None
        cached = stored if stored is not None else request.COOKIES.get(COOKIE_NAME) == "1"
        request._yiwang_care = cached  # type: ignore[attr-defined]  # an attribute of our own, set on the request for later middleware
    return bool(cached)


def remember_in_cookie(response: HttpResponse, *, enabled: bool, secure: bool) -> None:
    """The browser keeps the choice too: for anonymous visits, and after signing out."""
    response.set_cookie(COOKIE_NAME, "1" if enabled else "0", max_age=COOKIE_MAX_AGE, httponly=True,
                        samesite="Lax", secure=secure)


def plain(term: str, *, care: bool) -> str:
    """The term in the reader's language, in plain words when 关怀版 is on."""
    return _(PLAIN_WORDS.get(term, term)) if care else _(term)
