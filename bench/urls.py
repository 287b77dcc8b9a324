"""Yiwang's URLs plus the bench-only bare insert view, served by the same process."""

from django.urls import path

from bench.bare.views import insert_row
from yiwang.urls import urlpatterns as yiwang_urlpatterns

urlpatterns = [path("bench/bare/insert", insert_row), *yiwang_urlpatterns]
