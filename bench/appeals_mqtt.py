"""MQTT readings → events: sustained rate of ``SensorListener`` beside a bare paho subscriber.

    .venv/bin/python bench/appeals_mqtt.py [--readings 50000] [--devices 20] [--url mqtt://127.0.0.1:1883]

One run, the same broker (the local Mosquitto), the same messages (QoS 1, JSON readings of
``--devices`` devices, one in fifty over its threshold, the rest normal):
1. **bare**: a paho client subscribed with QoS 1 that only counts messages (its own session);
2. **listener**: ``yiwang.appeals.sensors.SensorListener`` (QoS 1, persistent session, manual
   acknowledgement after each committed batch) with the threshold rules and merging, on a scratch
   SQLite database.
The broker is a private Mosquitto (the same local binary, ``mosquitto -c``) on a free port with the
settings a deployment needs (docs/appeals.md): ``max_inflight_messages`` above the listener's batch
and a deep ``max_queued_messages``. With Mosquitto's defaults (20 in flight, 1,000 queued) a QoS 1
subscriber that acknowledges after its batch is committed sees at most 20 messages per batch, and
any subscriber that falls 1,000 behind has messages **dropped by the broker** ("Outgoing messages
are being dropped" in its log): ``--url mqtt://127.0.0.1:1883`` measures the shared broker as it is.
Each subscriber is started first; the publisher then sends all readings as fast as the broker takes
them; the rate is readings handled per second from the start of publishing to the last message
received (bare) or committed (listener), the same clock for both. "None lost" is
checked: the bare count and the listener's accepted readings (and the sensors' stored counts) must
equal what was published. Goal (issue #11): listener ≥ 50 % of bare and ≥ 5,000 readings/s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


BROKER_SETTINGS = """
max_inflight_messages 10000
max_queued_messages 1000000
"""


def private_broker(directory: str) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conf = Path(directory) / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n{BROKER_SETTINGS}")
    process = subprocess.Popen(["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return process, f"mqtt://127.0.0.1:{port}"


def publish(url_host: str, port: int, readings: int, devices: int, tag: str) -> float:
    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{tag}")
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(url_host, port)
    client.loop_start()
    started = time.perf_counter()
    infos = []
    for i in range(readings):
        value = 35.0 if i % 50 == 0 else 5.0
        infos.append(client.publish(f"yiwang/sensors/bench-{i % devices:03d}", json.dumps({"value": value}), qos=1))
    for info in infos:
        info.wait_for_publish(60)
    seconds = time.perf_counter() - started
    client.loop_stop()
    client.disconnect()
    return seconds


def bare(host: str, port: int, readings: int, devices: int) -> dict:
    import paho.mqtt.client as mqtt

    count = 0
    first = last = 0.0
    done = threading.Event()

    def on_message(client, userdata, message):  # noqa: ANN001
        nonlocal count, first, last
        count += 1
        now = time.perf_counter()
        first = first or now
        last = now
        if count >= readings:
            done.set()

    tag = uuid.uuid4().hex[:6]
    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-bare-{tag}")
    sub.on_message = on_message
    sub.connect(host, port)
    sub.subscribe("yiwang/sensors/+", qos=1)
    sub.loop_start()
    time.sleep(0.5)
    started = time.perf_counter()
    publish(host, port, readings, devices, f"bare-{tag}")
    seen = -1
    while not done.wait(30) and count != seen:  # nothing new for 30 s: the rest is lost
        seen = count
    sub.loop_stop()
    sub.disconnect()
    # from the start of publishing to the last message, as the listener is timed
    return {"received": count, "seconds": round(last - started, 3), "per_second": round(count / max(last - started, 1e-9))}


def listener(url: str, readings: int, devices: int) -> dict:
    from yiwang.appeals.models import Sensor
    from yiwang.appeals.sensors import SensorListener

    tag = uuid.uuid4().hex[:6]
    lst = SensorListener(url, client_id=f"bench-listener-{tag}", batch_size=5000, batch_seconds=0.05,
                         max_queue=200_000)
    first = last = 0.0
    original = lst.process_pending

    def timed() -> int:
        nonlocal first, last
        n = original()
        if n:
            now = time.perf_counter()
            first = first or now
            last = now
            if lst.totals.accepted >= readings:
                lst.stopping.set()
        return n

    lst.process_pending = timed  # type: ignore[method-assign]  # replaced on purpose on this one instance
    thread = threading.Thread(target=lst.run, kwargs={"seconds": 600}, daemon=True)
    thread.start()
    lst.connected.wait(10)
    time.sleep(0.5)
    host, port = lst.host, lst.port
    started = time.perf_counter()
    publish(host, port, readings, devices, f"listener-{tag}")
    progress, still = -1, 0
    while thread.is_alive() and still < 30:  # nothing new for 30 s: the rest is lost, say so
        thread.join(1)
        still = still + 1 if lst.totals.accepted == progress else 0
        progress = lst.totals.accepted
    lst.stopping.set()
    thread.join(60)
    total = lst.totals.accepted
    stored = sum(Sensor.objects.values_list("readings", flat=True))
    # first..last measures from the first committed batch; count the first batch's wait from the start
    seconds = last - started
    return {"accepted": total, "stored_on_sensors": stored, "events_opened": len(lst.totals.opened),
            "seconds": round(seconds, 3), "per_second": round(total / max(seconds, 1e-9)),
            "rejected": lst.totals.rejected}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readings", type=int, default=50_000)
    parser.add_argument("--devices", type=int, default=20)
    parser.add_argument("--url", default="", help="an existing broker instead of the private one")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="yiwang-bench-mqtt-")
    os.environ["YIWANG_VAR_DIR"] = tmp.name
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.setdefault("DEMO_MODE", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from yiwang.appeals.models import Sensor, SensorRule
    from yiwang.core.models import CalendarYear

    CalendarYear.objects.bulk_create([CalendarYear(year=y, source="bench") for y in (2026, 2027)])
    SensorRule.objects.create(sensor_type="water_depth", name="积水", threshold=20, unit="cm", clear_after_seconds=60,
                              category="城乡建设")
    Sensor.objects.bulk_create([Sensor(device_id=f"bench-{n:03d}", sensor_type="water_depth", name=f"监测点{n}",
                                       latitude=30.0 + n * 0.01, longitude=120.0 + n * 0.01)
                                for n in range(args.devices)])
    from urllib.parse import urlparse

    broker = None
    if not args.url:
        broker, args.url = private_broker(tmp.name)
    parsed = urlparse(args.url)
    load = os.getloadavg()[0]
    try:
        bare_result = bare(parsed.hostname or "127.0.0.1", parsed.port or 1883, args.readings, args.devices)
        listener_result = listener(args.url, args.readings, args.devices)
    finally:
        if broker is not None:
            broker.terminate()
            broker.wait(10)
    ratio = listener_result["per_second"] / max(bare_result["per_second"], 1)
    result = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "machine": platform.node(),
              "cpu_count": os.cpu_count(), "load_start": round(load, 2), "load_end": round(os.getloadavg()[0], 2),
              "broker": args.url if broker is None else f"private mosquitto ({BROKER_SETTINGS.strip()})",
              "readings": args.readings, "devices": args.devices, "bare": bare_result, "listener": listener_result,
              "ratio": round(ratio, 3),
              "none_lost": bare_result["received"] == args.readings and listener_result["accepted"] == args.readings
              and listener_result["stored_on_sensors"] == args.readings,
              "goal_met": ratio >= 0.5 and listener_result["per_second"] >= 5000}
    print(json.dumps(result, ensure_ascii=False, indent=2))
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"appeals_mqtt-{int(time.time())}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
