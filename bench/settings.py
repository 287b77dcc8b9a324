"""Bench settings: Yiwang's settings, plus the bare insert view and a per-request query counter.

Select with ``DJANGO_SETTINGS_MODULE=bench.settings``; the database still comes from ``DATABASE_URL``.
"""

from yiwang.settings import *  # noqa: F403
from yiwang.settings import INSTALLED_APPS, MIDDLEWARE

INSTALLED_APPS = [*INSTALLED_APPS, "bench.bare.apps.BareConfig"]
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "bench.urls"
