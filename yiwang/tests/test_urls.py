"""What the URL configuration exposes."""

from __future__ import annotations

import importlib

import pytest
from django.urls import Resolver404, resolve


def test_uploaded_files_are_never_served_from_media_root_even_in_debug(settings):
    # given a development server (DEBUG): MEDIA_ROOT holds citizens' materials and pushed datasets
    import yiwang.urls

    settings.DEBUG = True
    try:
        urls = importlib.reload(yiwang.urls)
        # then nothing under /media/ resolves; materials go through cases:material_file
        with pytest.raises(Resolver404):
            resolve("/media/materials/2026/11/id_card.jpg", urlconf=urls)
        with pytest.raises(Resolver404):
            resolve("/media/exchange/pushes/0f0e.csv", urlconf=urls)
    finally:
        settings.DEBUG = False
        importlib.reload(yiwang.urls)
