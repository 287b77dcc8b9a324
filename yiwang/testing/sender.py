"""The notification sender (``notify.run_sender``) in background threads, for tests that need notices
to leave as they do under ``make run`` (a live server, a browser) or several senders at once."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from yiwang.core import notify


@contextlib.contextmanager
def running_senders(count: int = 1, *, every: float = 0.05) -> Iterator[list[threading.Thread]]:
    """Run ``count`` senders, each in its own thread with its own database connection, started at
    the same moment (a barrier); stop them and wait for them when the block ends. Needs
    ``django_db(transaction=True)``: a sender sees only committed rows."""
    stop = threading.Event()
    barrier = threading.Barrier(count)

    def sender() -> None:
        barrier.wait(timeout=30)
        notify.run_sender(stop=stop, every=every)  # closes its connection when it ends

    threads = [threading.Thread(target=sender, daemon=True, name=f"sender-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    try:
        yield threads
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a sender did not stop"
