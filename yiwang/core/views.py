"""Home, sign-in, and the account pages (login history, API tokens, second factor, password)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.core import care, selectors, services
from yiwang.core.errors import CoreErrorCode, DomainError
from yiwang.core.http import AuthenticatedRequest
from yiwang.core.models import Department
from yiwang.core.permissions import has_otp_device, has_staff_controls, otp_required, session_is_fully_signed_in

POPULAR_SEARCHES = ["营业执照", "社保", "不动产", "食品经营", "居住证", "公积金", "高龄津贴", "施工许可"]


def home(request: HttpRequest) -> HttpResponse:
    departments = Department.objects.annotate(n_items=Count("items", filter=Q(items__is_active=True))).filter(n_items__gt=0)
    return render(request, "core/home.html", {"departments": departments, "popular": POPULAR_SEARCHES})


# Where a role works (URL names): staff signing in without a particular page to return to land
# there, not on the public home page. Someone whose roles point to several places gets the
# workbench (工作台), which links to each.
ROLE_LANDING = {
    "clerk": "cases:window",
    "reviewer": "cases:tasks",
    "decider": "cases:tasks",
    "head": "cases:tasks",
    "supervisor": "cases:board",
    "steward": "exchange:catalogue",
}


def landing_url(user: Any) -> str:
    """The page a person starts from after signing in: their workbench for staff, Django admin for
    the administrator roles, the home page for applicants."""
    from django.urls import reverse

    from yiwang.core.admin_roles import admin_roles_of

    if not user.is_authenticated:
        return reverse("core:home")
    targets = {ROLE_LANDING[r.role] for r in selectors.staff_roles_of(user) if r.role in ROLE_LANDING}
    if len(targets) == 1:
        return reverse(targets.pop())
    if targets:
        return reverse("cases:workbench")
    if user.is_superuser or admin_roles_of(user):
        return reverse("admin:index")
    return reverse("core:home")


def _landing_or_next(request: HttpRequest, target: str) -> str:
    """``next`` when it names a page; the home page (every page's 登录 link carries its own
    address, so signing in from the home page says "/") counts as no particular page."""
    from django.urls import reverse

    if target and target != reverse("core:home"):
        return target
    return landing_url(request.user)


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        return _landing_or_next(self.request, self.get_redirect_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["timeout_message"] = {
            "idle": _("您长时间未操作，为保护账号安全已自动退出，请重新登录。"),
            "absolute": _("登录时间已达上限，为保护账号安全已自动退出，请重新登录。"),
        }.get(self.request.GET.get("reason", ""))
        # the demo password is the demo's: a production site must not print it under its login form
        context["demo_mode"] = bool(getattr(settings, "YIWANG_DEMO_MODE", False))
        return context


class LogoutView(auth_views.LogoutView):
    pass


def _next(request: HttpRequest, default: str = "core:account") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    from django.urls import reverse

    return reverse(default)


@require_POST
def care_mode(request: HttpRequest) -> HttpResponse:
    """The 关怀版 switch in every page's header: a plain form POST (works without JavaScript).
    ``care`` is "1" (on) or "0" (off); anything else is refused. Back to the page it came from."""
    choice = request.POST.get("care", "")
    if choice not in ("0", "1"):
        error = DomainError(CoreErrorCode.VALIDATION_FAILED, _("无法识别的显示方式，请使用页面顶部的“关怀版”按钮切换。"))
        return render(request, "core/error.html", {"error": error}, status=400)
    enabled = choice == "1"
    if request.user.is_authenticated:
        services.set_care_mode(actor=request.user, enabled=enabled)
    response = redirect(_next(request, "core:home"))
    care.remember_in_cookie(response, enabled=enabled, secure=request.is_secure())
    return response


@login_required
def account(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    return render(request, "core/account.html", {
        "history": selectors.login_history_of(user),
        "tokens": selectors.api_tokens_of(user),
        "has_device": has_otp_device(user),
        "otp_required": otp_required(user),
        "staff_controls": has_staff_controls(user),
    })


@login_required
@require_POST
def revoke_tokens(request: AuthenticatedRequest) -> HttpResponse:
    count = services.revoke_api_tokens(actor=request.user, user=request.user, reason="user")
    messages.success(request, _("已吊销 %(count)d 个接口令牌。") % {"count": count})
    return redirect("core:account")


@login_required
def otp_enrol(request: AuthenticatedRequest) -> HttpResponse:
    """Enrol an authenticator app: a QR code drawn here (segno, inline SVG: no third party sees the
    secret), then one code from the app confirms it."""
    import segno

    user = request.user
    if has_otp_device(user) and not session_is_fully_signed_in(request):
        return redirect(f"{_reverse('core:otp_verify')}?{urlencode({'next': request.GET.get('next', '')})}")
    if request.method == "POST":
        try:
            services.confirm_totp_enrolment(request=request, user=user, code=request.POST.get("code", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("动态口令已启用：以后登录时需输入验证器应用中的 6 位口令。"))
            return redirect(_next(request))
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or request.method == "GET":
        device = services.start_totp_enrolment(user=user)
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111", light="#fff")
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return render(request, "core/otp_enrol.html", {"qr": qr, "secret": secret, "next": request.GET.get("next") or request.POST.get("next", ""),
                                                   "required": has_staff_controls(user) and not settings.YIWANG_DEMO_MODE})


@login_required
def otp_verify(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not has_otp_device(user):
        return redirect(f"{_reverse('core:otp_enrol')}?{urlencode({'next': request.GET.get('next', '')})}")
    if request.method == "POST":
        try:
            services.verify_session_otp(request=request, user=user, code=request.POST.get("code", ""))
        except DomainError as exc:
            if exc.status == 429:
                return render(request, "core/locked_out.html", {"message": exc.message}, status=429)
            messages.error(request, exc.message)
        else:
            return redirect(_landing_or_next(request, _next(request, "core:home")))
    return render(request, "core/otp_verify.html", {"next": request.GET.get("next") or request.POST.get("next", "")})


@login_required
def password_change(request: AuthenticatedRequest) -> HttpResponse:
    expired = has_staff_controls(request.user) and selectors.password_expired(request.user)
    problems: list[str] = []
    if request.method == "POST":
        new, again = request.POST.get("new_password1", ""), request.POST.get("new_password2", "")
        if new != again:
            problems = [_("两次输入的新密码不一致。")]
        else:
            try:
                services.change_password(actor=request.user, user=request.user,
                                         old_password=request.POST.get("old_password", ""), new_password=new)
            except DomainError as exc:
                problems = exc.details.get("problems") or [exc.message]
            else:
                update_session_auth_hash(request, request.user)  # stay signed in here; other sessions end
                messages.success(request, _("密码已修改；您的接口令牌已全部失效，请重新申请。"))
                return redirect(_next(request))
    from django.contrib.auth.password_validation import password_validators_help_texts

    return render(request, "core/password_change.html", {
        "expired": expired, "problems": problems, "help_texts": password_validators_help_texts(),
        "next": request.GET.get("next") or request.POST.get("next", ""),
    }, status=422 if problems else 200)


def _reverse(name: str) -> str:
    from django.urls import reverse

    return reverse(name)
