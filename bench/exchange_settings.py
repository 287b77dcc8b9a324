"""Settings of the exchange gateway benchmark: Yiwang plus a bare lookup view (bench.exchange_urls)."""

from yiwang.settings import *  # noqa: F403

ROOT_URLCONF = "bench.exchange_urls"
ALLOWED_HOSTS = ["*"]
