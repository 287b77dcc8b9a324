"""Home and sign-in pages."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yiwang.core.models import Department

POPULAR_SEARCHES = ["营业执照", "社保", "不动产", "食品经营", "居住证", "公积金", "高龄津贴", "施工许可"]


def home(request: HttpRequest) -> HttpResponse:
    departments = Department.objects.annotate(n_items=Count("items", filter=Q(items__is_active=True))).filter(n_items__gt=0)
    return render(request, "core/home.html", {"departments": departments, "popular": POPULAR_SEARCHES})


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass
