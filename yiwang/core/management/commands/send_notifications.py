"""Send due notification copies (SMS, email).

``--loop``: the sender, a long-running process (``make run`` starts one; in production the systemd
unit ``yiwang-sender.service``): a pass every ``NOTIFY_POLL_SECONDS`` (setting ``YIWANG_NOTIFY_POLL_SECONDS``) until SIGTERM
or SIGINT, which end it after the copy being sent. Without it: one pass (cron, or by hand), sending
new copies, retries whose time has come and copies a dead sender had claimed."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yiwang.core.notify import run_sender, send_due_outbox


class Command(BaseCommand):
    help = "Send every pending notification (outbox) row whose time has come; --loop keeps sending."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true",
                            help="Keep sending: a pass every --every seconds until SIGTERM/SIGINT.")
        parser.add_argument("--every", type=float, default=None,
                            help="Seconds between passes with --loop (default: the environment variable NOTIFY_POLL_SECONDS, 1).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["loop"]:
            every = options["every"]
            if every is not None and not 0 < every <= 3600:
                raise CommandError("--every must be more than 0 and at most 3600 seconds.")
            stop = threading.Event()
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
            run_sender(stop=stop, every=every)
            return
        counts = send_due_outbox()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing due")
