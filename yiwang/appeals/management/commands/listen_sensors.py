"""``python manage.py listen_sensors``: turn MQTT sensor readings into field events (docs/appeals.md)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from yiwang.appeals.sensors import SensorListener


class Command(BaseCommand):
    help = ("Subscribe to <SENSORS_TOPIC_PREFIX><device_id> (yiwang/sensors/<device_id>) on MQTT_URL "
            "(QoS 1, persistent session) and open events.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default=settings.MQTT_URL, help="default: MQTT_URL (mqtt://127.0.0.1:1883)")
        parser.add_argument("--client-id", default="yiwang-sensors", help="fixed: the broker keeps the session")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--seconds", type=float, default=None, help="stop after this long (default: run on)")

    def handle(self, *args: Any, url: str, client_id: str, batch_size: int, seconds: float | None,
               **options: Any) -> None:
        listener = SensorListener(url, client_id=client_id, batch_size=batch_size)
        self.stdout.write(f"listening on {listener.host}:{listener.port} {listener.topic_prefix}+ (Ctrl+C to stop)")
        try:
            totals = listener.run(seconds=seconds)
        except KeyboardInterrupt:
            listener.stopping.set()
            totals = listener.totals
        self.stdout.write(f"readings accepted {totals.accepted}, events opened {len(totals.opened)}, "
                          f"closed {len(totals.closed)}, refused {totals.rejected}")
