import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
application = get_wsgi_application()

# Every WSGI server imports this module in each worker before it serves: build there what the first
# request would otherwise pay for (yiwang.warmup: the URLconf, jieba's dictionary, the PDF font).
from yiwang import warmup  # noqa: E402

if warmup.enabled():
    warmup.warm_up()
