"""IoT readings (物联感知) → field events. ``process_readings`` turns a batch of MQTT messages into
events by the threshold rules; ``SensorListener`` is the MQTT side (paho-mqtt: QoS 1, a persistent
session, manual acknowledgement after the batch is committed, reconnects after a broker restart).

A batch is bounded and aggregated per device: 10,000 readings of one device in a second are one
row update (count, last value, highest abnormal value, when it turned normal), not 10,000 writes.
What matters is kept: every abnormal spell opens (or joins) one event, and the event closes only
after ``clear_after_seconds`` of normal readings. A payload that is not JSON, an unknown device, a
reading from the future or a non-number is counted and logged, never fatal.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import queue
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_noop

from yiwang.appeals import services
from yiwang.appeals.models import Appeal, AppealChannel, AppealStatus, AppealType, Sensor, SensorRule
from yiwang.core.services import record_audit

logger = logging.getLogger(__name__)
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
MAX_PAYLOAD_BYTES = 4096


@dataclass
class Reading:
    device_id: str
    payload: bytes
    received_at: dt.datetime


@dataclass
class _DeviceBatch:
    count: int = 0
    abnormal: int = 0
    max_abnormal: float | None = None
    first_abnormal_at: dt.datetime | None = None
    last_value: float | None = None
    last_at: dt.datetime | None = None
    # the start of the run of normal readings at the end of the batch (None: the last one was abnormal)
    normal_since: dt.datetime | None = None
    ended_abnormal: bool = False


@dataclass
class BatchResult:
    accepted: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    opened: list[str] = field(default_factory=list)
    joined: int = 0
    closed: list[str] = field(default_factory=list)

    def reject(self, reason: str) -> None:
        self.rejected[reason] = self.rejected.get(reason, 0) + 1


def _parse(reading: Reading, now: dt.datetime) -> tuple[float, dt.datetime] | str:
    """(value, time of reading) or the reason it is refused."""
    if len(reading.payload) > MAX_PAYLOAD_BYTES:
        return "too_large"
    try:
        data = json.loads(reading.payload)
    except (ValueError, UnicodeDecodeError):
        return "not_json"
    if not isinstance(data, dict):
        return "not_an_object"
    value = data.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return "value_not_a_number"
    at = reading.received_at
    raw_ts = data.get("ts")
    if raw_ts is not None:
        try:
            if isinstance(raw_ts, int | float) and not isinstance(raw_ts, bool):
                at = dt.datetime.fromtimestamp(raw_ts, tz=dt.UTC)
            else:
                parsed = parse_datetime(str(raw_ts)[:40])
                if parsed is None:
                    return "bad_timestamp"
                at = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)
        except (ValueError, OverflowError, OSError):
            return "bad_timestamp"
        if at > now + FUTURE_TOLERANCE:
            return "from_the_future"
    return float(value), at


def process_readings(readings: Iterable[Reading], *, now: dt.datetime | None = None) -> BatchResult:
    """One batch, one transaction: aggregate per device, then open, join or close events."""
    now = now or timezone.now()
    result = BatchResult()
    per_device: dict[str, list[tuple[float, dt.datetime]]] = {}
    for reading in readings:
        parsed = _parse(reading, now)
        if isinstance(parsed, str):
            result.reject(parsed)
            continue
        per_device.setdefault(reading.device_id[:64], []).append(parsed)
    if not per_device:
        return result
    rules = {r.sensor_type: r for r in SensorRule.objects.filter(active=True)}
    with transaction.atomic():
        sensors = {s.device_id: s for s in Sensor.objects.select_for_update().filter(
            device_id__in=list(per_device), active=True)}
        for device_id, values in per_device.items():
            sensor = sensors.get(device_id)
            rule = rules.get(sensor.sensor_type) if sensor else None
            if sensor is None or rule is None:
                for _ in values:
                    result.reject("unknown_device" if sensor is None else "no_rule")
                continue
            result.accepted += len(values)
            _apply(sensor, rule, _aggregate(rule, values), now=now, result=result)
    return result


def _aggregate(rule: SensorRule, values: list[tuple[float, dt.datetime]]) -> _DeviceBatch:
    batch = _DeviceBatch()
    for value, at in sorted(values, key=lambda v: v[1]):
        batch.count += 1
        batch.last_value, batch.last_at = value, at
        if rule.abnormal(value):
            batch.abnormal += 1
            batch.max_abnormal = value if batch.max_abnormal is None else max(batch.max_abnormal, value)
            batch.first_abnormal_at = batch.first_abnormal_at or at
            batch.normal_since = None
            batch.ended_abnormal = True
        else:
            batch.normal_since = batch.normal_since or at
            batch.ended_abnormal = False
    return batch


def _apply(sensor: Sensor, rule: SensorRule, batch: _DeviceBatch, *, now: dt.datetime, result: BatchResult) -> None:
    sensor.readings += batch.count
    sensor.abnormal_readings += batch.abnormal
    sensor.last_value, sensor.last_reading_at = batch.last_value, batch.last_at
    if batch.max_abnormal is not None:
        sensor.max_abnormal_value = (batch.max_abnormal if sensor.max_abnormal_value is None
                                     else max(sensor.max_abnormal_value, batch.max_abnormal))
    event = sensor.open_appeal if sensor.open_appeal_id else None
    if event is not None and event.status not in AppealStatus.open_states() and event.status != AppealStatus.MERGED:
        event = None  # closed by a person meanwhile: a new abnormal spell opens a new event
    if batch.abnormal:
        if event is None:
            report = services.submit_appeal(actor=None, now=batch.first_abnormal_at, intake=services.Intake(
                channel=AppealChannel.SENSOR, appeal_type=AppealType.EVENT, urgency=rule.urgency,
                title=f"{rule.name}告警：{sensor.name}"[:200],
                body=f"设备 {sensor.device_id} 读数 {batch.max_abnormal:g}{rule.unit}，阈值 {rule.threshold:g}{rule.unit}。",
                latitude=sensor.latitude, longitude=sensor.longitude, address=sensor.address,
                category=rule.category, department=rule.department_code, source_device=sensor.device_id,
                attributes={"sensor_type": rule.sensor_type, "value": batch.max_abnormal}))
            event = report.appeal
            if event.status == AppealStatus.MERGED:  # a nearby device's event, or a citizen's report
                event = event.merged_into
                result.joined += 1
            else:
                result.opened.append(event.number)
        else:
            result.joined += 1  # a repeat from the same device: counted on the sensor, no new event
        sensor.open_appeal = event
        sensor.normal_since = None if batch.ended_abnormal else batch.normal_since
    elif event is not None and sensor.normal_since is None:
        sensor.normal_since = batch.normal_since
    if (event is not None and not batch.ended_abnormal and sensor.normal_since is not None
            and (batch.last_at or now) - sensor.normal_since >= dt.timedelta(seconds=rule.clear_after_seconds)):
        if _close_by_sensor(event, sensor=sensor, rule=rule, now=now):
            result.closed.append(event.number)
        sensor.open_appeal = None
        sensor.normal_since = None
    sensor.save(update_fields=["readings", "abnormal_readings", "last_value", "last_reading_at", "max_abnormal_value",
                               "open_appeal", "normal_since"])


def _close_by_sensor(event: Appeal, *, sensor: Sensor, rule: SensorRule, now: dt.datetime) -> bool:
    """Readings back to normal long enough: the event closes, unless another device or a person's
    report still keeps it open (another sensor of the same event still abnormal)."""
    event = Appeal.objects.select_for_update().get(pk=event.pk)
    if event.status not in AppealStatus.open_states():
        return False
    others = Sensor.objects.filter(open_appeal=event).exclude(pk=sensor.pk).exists()
    people = event.reports.exclude(channel=AppealChannel.SENSOR).exists()
    if others or people:
        return False
    reply = gettext_noop("读数已恢复正常并持续 %(seconds)d 秒，事件自动关闭。") % {"seconds": rule.clear_after_seconds}
    Appeal.objects.filter(pk=event.pk).update(status=AppealStatus.CLOSED, closed_at=now, reply=reply)
    record_audit(actor=None, event_type="appeal_closed", subject_type="appeal", subject_id=event.number, at=now,
                 details={"by": "sensor", "device": sensor.device_id})
    return True


# MQTT ------------------------------------------------------------------------------------------------

class SensorListener:
    """Subscribes to ``<SENSORS_TOPIC_PREFIX>+`` (``yiwang/sensors/+`` by default; the last level is
    the device id) with QoS 1 in a persistent session (fixed client id, clean_session false):
    readings are acknowledged only after their batch is committed, so a crash or a broker restart
    redelivers what was not yet stored, and nothing acknowledged is lost. paho reconnects by itself
    (1 s … 30 s backoff)."""

    def __init__(self, url: str, *, client_id: str = "yiwang-sensors", topic_prefix: str | None = None,
                 batch_size: int = 2000, batch_seconds: float = 0.2, max_queue: int = 50_000):
        import paho.mqtt.client as mqtt

        parsed = urlparse(url)
        if parsed.scheme not in ("mqtt", "mqtts"):
            raise ValueError(f"MQTT_URL must start with mqtt:// or mqtts:// (got {url!r})")
        self.topic_prefix = settings.YIWANG_SENSORS_TOPIC_PREFIX if topic_prefix is None else topic_prefix
        if not self.topic_prefix.endswith("/") or set(self.topic_prefix) & {"+", "#"}:
            raise ValueError("SENSORS_TOPIC_PREFIX must end with / and hold no MQTT wildcard (+, #) "
                             f"(got {self.topic_prefix!r})")
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or (8883 if parsed.scheme == "mqtts" else 1883)
        self.batch_size, self.batch_seconds = batch_size, batch_seconds
        self.queue: queue.Queue[tuple[Reading, int]] = queue.Queue(maxsize=max_queue)
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False,
                                  protocol=mqtt.MQTTv311, manual_ack=True)
        if parsed.username:
            self.client.username_pw_set(parsed.username, parsed.password)
        if parsed.scheme == "mqtts":
            self.client.tls_set()
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.totals = BatchResult()
        self.stopping = threading.Event()
        self.connected = threading.Event()
        self.subscribed = threading.Event()  # the broker acknowledged the subscription (SUBACK)

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason_code: Any, properties: Any) -> None:
        if reason_code.is_failure:
            logger.error("MQTT connection refused: %s", reason_code)
            return
        client.subscribe(self.topic_prefix + "+", qos=1)
        self.connected.set()

    def _on_subscribe(self, client: Any, userdata: Any, mid: Any, reason_codes: Any, properties: Any) -> None:
        if all(not code.is_failure for code in reason_codes):
            self.subscribed.set()
        else:
            logger.error("MQTT subscription refused: %s", reason_codes)

    def _on_message(self, client: Any, userdata: Any, message: Any) -> None:
        prefix = self.topic_prefix
        device_id = message.topic[len(prefix):] if message.topic.startswith(prefix) else ""
        # a full queue blocks the network loop: the broker holds the rest (back-pressure, nothing dropped)
        self.queue.put((Reading(device_id, message.payload, timezone.now()), message.mid))

    def _drain(self) -> list[tuple[Reading, int]]:
        batch: list[tuple[Reading, int]] = []
        deadline = time.monotonic() + self.batch_seconds
        while len(batch) < self.batch_size:
            timeout = deadline - time.monotonic()
            if timeout <= 0:
                break
            try:
                batch.append(self.queue.get(timeout=timeout))
            except queue.Empty:
                break
        return batch

    def process_pending(self) -> int:
        batch = self._drain()
        if not batch:
            return 0
        try:
            outcome = process_readings([r for r, _mid in batch])
        except Exception:  # a database error: nothing is acknowledged, the broker redelivers
            logger.exception("Sensor batch of %d readings failed; not acknowledged", len(batch))
            for item in batch:
                self.queue.put(item)
            time.sleep(1)
            return 0
        for _reading, mid in batch:
            self.client.ack(mid, 1)
        self.totals.accepted += outcome.accepted
        self.totals.opened += outcome.opened
        self.totals.closed += outcome.closed
        self.totals.joined += outcome.joined
        for reason, n in outcome.rejected.items():
            self.totals.rejected[reason] = self.totals.rejected.get(reason, 0) + n
            logger.warning("%d sensor readings refused: %s", n, reason)
        return len(batch)

    def run(self, *, seconds: float | None = None) -> BatchResult:
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()
        started = time.monotonic()
        try:
            while not self.stopping.is_set() and (seconds is None or time.monotonic() - started < seconds):
                self.process_pending()
            while self.process_pending():  # what arrived before the stop
                pass
        finally:
            self.client.disconnect()
            self.client.loop_stop()
            connections.close_all()  # this thread's database connection (run is often a thread of its own)
        return self.totals
