"""Loaded by pytest before the settings (``-p yiwang.testing.demo_mode`` in pyproject.toml): the
suite runs in demo mode (generated keys, the demo secret, demo hosts), as ``make run`` does.

Tests of production behaviour start their own process with demo mode off
(``yiwang/core/tests/test_production_settings.py``)."""

import os

os.environ.setdefault("DEMO_MODE", "1")
