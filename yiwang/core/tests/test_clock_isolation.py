"""A test that moves this process's clock cannot leave its database-clock offset to the next test.

``db_now()`` keeps the offset it measured for a minute, per process. The two runs below each move
the clock three hours ahead, measure, and leave without forgetting; whichever runs second in a
worker (and any test after them) must still read the database's time, not three hours off. The
root conftest's autouse fixture is what makes it so.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yiwang.core.clock import db_now

pytestmark = pytest.mark.django_db

SKEW = dt.timedelta(hours=3)


@pytest.mark.parametrize("run", ["first", "second"])
def test_a_moved_clock_does_not_leak_into_the_next_test(run, monkeypatch):
    # what an earlier test of this worker measured (on a moved clock or not) is forgotten
    assert abs(db_now() - timezone.now()) < dt.timedelta(minutes=5), run
    real = timezone.now
    monkeypatch.setattr("django.utils.timezone.now", lambda: real() + SKEW)
    from yiwang.core import clock

    clock.forget_offsets()
    measured = db_now()  # measured on the moved clock: the offset is minus three hours, and kept
    assert abs(measured - real()) < dt.timedelta(minutes=5)
