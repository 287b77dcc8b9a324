from django.contrib import admin
from django.urls import include, path

from yiwang.api import api

# A transient database error (a failover, PgBouncer restarting) is a 503 with Retry-After, not a 500
# (yiwang/core/ops/unavailable.py); any other unexpected error keeps Django's 500 page.
handler500 = "yiwang.core.ops.unavailable.retry_later_or_500"

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("yiwang.core.urls")),
    path("", include("yiwang.catalog.urls")),
    path("", include("yiwang.cases.urls")),
    path("", include("yiwang.exchange.urls")),
    path("", include("yiwang.credit.urls")),
    path("", include("yiwang.intelligence.urls")),
    path("", include("yiwang.identity.urls")),
    path("", include("yiwang.licenses.urls")),
    path("", include("yiwang.appeals.urls")),
    path("", include("yiwang.evaluation.urls")),
    path("", include("yiwang.insights.urls")),
    path("", include("yiwang.programme.urls")),
]

# MEDIA_ROOT is never served, not even in DEBUG: it holds citizens' materials and pushed datasets
# in clear. Materials are served by ``cases:material_file`` to those who may see them.
