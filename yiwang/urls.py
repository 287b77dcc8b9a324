from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from yiwang.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("yiwang.core.urls")),
    path("", include("yiwang.catalog.urls")),
    path("", include("yiwang.cases.urls")),
    path("", include("yiwang.exchange.urls")),
    path("", include("yiwang.intelligence.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
