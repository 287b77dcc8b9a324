"""Sensors: threshold rules open events, repeats and nearby devices merge, normal readings close
them after the configured time, bad payloads are refused; and the listener against the real
Mosquitto on this machine (QoS 1, persistent session)."""

from __future__ import annotations

import datetime as dt
import json
import queue
import socket
import threading
import time
import uuid

import pytest
from django.utils import timezone

from yiwang.appeals.models import Appeal, AppealChannel, AppealStatus, Sensor, SensorRule
from yiwang.appeals.sensors import Reading, SensorListener, process_readings
from yiwang.appeals.tests.conftest import submit
from yiwang.testing.concurrency import closing_connections

pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)


@pytest.fixture
def sensors(county):
    SensorRule.objects.create(sensor_type="water_depth", name="积水", threshold=20, unit="cm", clear_after_seconds=600,
                              category="城乡建设", department_code="JT", urgency="emergency")
    SensorRule.objects.create(sensor_type="noise", name="噪声", threshold=70, unit="dB", clear_after_seconds=300,
                              category="环境保护", department_code="HB")
    Sensor.objects.create(device_id="wd-1", sensor_type="water_depth", name="人民路下穿隧道", latitude=30.2,
                          longitude=120.05)
    Sensor.objects.create(device_id="wd-2", sensor_type="water_depth", name="人民路下穿隧道北口", latitude=30.2006,
                          longitude=120.0503)
    Sensor.objects.create(device_id="wd-far", sensor_type="water_depth", name="白沙镇桥洞", latitude=30.05,
                          longitude=120.3)


def r(device: str, value, at: dt.datetime, **extra) -> Reading:
    return Reading(device, json.dumps({"value": value, "ts": at.isoformat(), **extra}).encode(), at)


def test_a_reading_over_the_threshold_opens_one_event_and_repeats_join_it(sensors):
    result = process_readings([r("wd-1", 35, T0), r("wd-1", 40, T0 + dt.timedelta(seconds=5))])
    assert len(result.opened) == 1 and result.accepted == 2
    event = Appeal.objects.get(number=result.opened[0])
    assert (event.channel, event.appeal_type, event.urgency) == ("sensor", "event", "emergency")
    assert event.due_at == T0 + dt.timedelta(hours=2) and event.lead_department.code == "JT"
    again = process_readings([r("wd-1", 42, T0 + dt.timedelta(minutes=1))])
    assert again.opened == [] and again.joined == 1
    assert Appeal.objects.filter(channel=AppealChannel.SENSOR).count() == 1
    sensor = Sensor.objects.get(device_id="wd-1")
    assert (sensor.readings, sensor.abnormal_readings, sensor.max_abnormal_value) == (3, 3, 42)


def test_a_nearby_device_and_citizens_join_the_same_event(sensors):
    event = Appeal.objects.get(number=process_readings([r("wd-1", 35, T0)]).opened[0])
    near = process_readings([r("wd-2", 30, T0 + dt.timedelta(minutes=2))])
    assert near.opened == [] and near.joined == 1
    far = process_readings([r("wd-far", 30, T0 + dt.timedelta(minutes=2))])
    assert len(far.opened) == 1
    calls = [submit(county_user, channel=AppealChannel.PORTAL, title="人民路下穿隧道积水很深车辆无法通行",
                    latitude="30.2001", longitude="120.0501", now=T0 + dt.timedelta(minutes=m)).appeal
             for county_user, m in ((None, 5), (None, 6), (None, 7))]
    event.refresh_from_db()
    # the flooded underpass: one event, two sensors' reports and three citizens' — if the citizens'
    # text is classified into the sensor's category; the synthetic classifier here has no 城乡建设,
    # so the citizens' reports stay apart, which this test states rather than hides
    assert event.reports.filter(channel=AppealChannel.SENSOR).count() == 2
    assert all(c.suggested_category != "城乡建设" for c in calls)


def test_normal_for_the_configured_time_closes_the_event(sensors):
    event_number = process_readings([r("wd-1", 35, T0)]).opened[0]
    assert process_readings([r("wd-1", 5, T0 + dt.timedelta(minutes=1))]).closed == []
    assert process_readings([r("wd-1", 5, T0 + dt.timedelta(minutes=5))]).closed == []
    # an abnormal reading in between starts the normal spell over
    process_readings([r("wd-1", 25, T0 + dt.timedelta(minutes=6))])
    assert process_readings([r("wd-1", 5, T0 + dt.timedelta(minutes=12))]).closed == []
    assert process_readings([r("wd-1", 5, T0 + dt.timedelta(minutes=21))]).closed == []  # 9 of 10 min
    closed = process_readings([r("wd-1", 5, T0 + dt.timedelta(minutes=22))])
    assert closed.closed == [event_number]
    assert Appeal.objects.get(number=event_number).status == AppealStatus.CLOSED
    # the next abnormal spell is a new event
    assert len(process_readings([r("wd-1", 50, T0 + dt.timedelta(minutes=25))]).opened) == 1


def test_bad_payloads_are_counted_not_fatal(sensors):
    future = T0 + dt.timedelta(days=2)
    result = process_readings([
        Reading("wd-1", b"not json", T0), Reading("wd-1", b"[1,2]", T0), Reading("wd-1", b'{"value": "high"}', T0),
        Reading("wd-1", b'{"value": NaN}', T0), Reading("wd-1", b'{"value": true}', T0),
        Reading("wd-1", json.dumps({"value": 99, "ts": future.isoformat()}).encode(), T0),
        Reading("wd-1", b'{"value": 1, "ts": "yesterday"}', T0), Reading("ghost", b'{"value": 99}', T0),
        Reading("wd-1", b'{"value": 1, "pad": "' + b"x" * 5000 + b'"}', T0),
        Reading("wd-1", b"\xff\xfe", T0),
    ])
    assert result.accepted == 0 and not result.opened
    assert result.rejected == {"not_json": 2, "not_an_object": 1, "value_not_a_number": 3, "from_the_future": 1,
                               "bad_timestamp": 1, "unknown_device": 1, "too_large": 1}


def test_a_flood_of_10000_readings_from_one_device_is_one_event_and_one_row_update(sensors):
    flood = [r("wd-1", 30 + (i % 7), T0 + dt.timedelta(microseconds=i * 100)) for i in range(10_000)]
    result = process_readings(flood)
    assert result.accepted == 10_000 and len(result.opened) == 1
    sensor = Sensor.objects.get(device_id="wd-1")
    assert sensor.readings == 10_000 and sensor.max_abnormal_value == 36


def _broker_up() -> None:
    try:
        socket.create_connection(("127.0.0.1", 1883), timeout=2).close()
    except OSError:
        pytest.fail("Mosquitto is not reachable on 127.0.0.1:1883: start it (apt-get install mosquitto; "
                    "systemctl start mosquitto) — this test needs the real broker and is never skipped.")


@pytest.fixture
def own_topics(settings):
    """This run's own place on the shared broker (two worktrees' suites, CI beside a session): a topic
    prefix and client ids unique to the run, the prefix given to the listener through its setting, so
    no other run's readings (or retained messages: none is published here) match its subscription.
    Afterwards the listener's persistent session is ended, so the broker keeps nothing of the run."""
    import paho.mqtt.client as mqtt

    _broker_up()
    run = uuid.uuid4().hex[:14]
    settings.YIWANG_SENSORS_TOPIC_PREFIX = f"yiwang-test/{run}/sensors/"
    client_id = f"yiwang-t-{run}"  # 23 characters, MQTT 3.1.1's bound
    yield client_id, settings.YIWANG_SENSORS_TOPIC_PREFIX
    # a clean session under the listener's id discards the session the broker kept for it
    ended = threading.Event()
    forget = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True,
                         protocol=mqtt.MQTTv311)
    forget.on_connect = lambda client, userdata, flags, reason_code, properties: ended.set()
    forget.connect("127.0.0.1", 1883)
    forget.loop_start()
    try:
        assert ended.wait(10), "Mosquitto did not answer the clean session that ends the listener's"
    finally:
        forget.disconnect()
        forget.loop_stop()


@pytest.mark.django_db(transaction=True)
def test_the_listener_against_the_real_mosquitto(sensors, own_topics):
    import paho.mqtt.client as mqtt

    client_id, prefix = own_topics
    listener = SensorListener("mqtt://127.0.0.1:1883", client_id=client_id, batch_seconds=0.1)
    assert listener.topic_prefix == prefix  # from the setting
    thread = threading.Thread(target=closing_connections(listener.run), kwargs={"seconds": 60}, daemon=True)
    thread.start()
    assert listener.connected.wait(10), "the listener did not connect to Mosquitto"
    # published before the broker took the subscription, a reading would reach no one
    assert listener.subscribed.wait(10), "Mosquitto did not acknowledge the subscription"
    publisher = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"{client_id[:19]}-pub")
    publisher.connect("127.0.0.1", 1883)
    publisher.loop_start()
    now = timezone.now()
    infos = [publisher.publish(f"{prefix}wd-1", json.dumps({"value": 33, "ts": now.isoformat()}), qos=1),
             publisher.publish(f"{prefix}wd-1", b"garbage", qos=1),
             publisher.publish(f"{prefix}nobody", json.dumps({"value": 99}), qos=1)]
    infos += [publisher.publish(f"{prefix}wd-1", json.dumps({"value": 34}), qos=1) for _ in range(500)]
    for info in infos:
        info.wait_for_publish(10)
    publisher.loop_stop()
    publisher.disconnect()
    deadline = time.monotonic() + 30  # until all 503 are stored or refused, not a fixed time
    while (listener.totals.accepted + sum(listener.totals.rejected.values()) < len(infos)
           and time.monotonic() < deadline and thread.is_alive()):
        time.sleep(0.05)  # polling the condition above, bounded by the deadline
    listener.stopping.set()
    thread.join(20)
    assert not thread.is_alive()
    totals = listener.totals
    assert totals.accepted == 501 and len(totals.opened) == 1
    assert totals.rejected == {"not_json": 1, "unknown_device": 1}
    assert Sensor.objects.get(device_id="wd-1").readings == 501
    assert Appeal.objects.get(number=totals.opened[0]).channel == AppealChannel.SENSOR


def test_a_flood_is_taken_in_bounded_batches_and_a_bounded_queue(sensors):
    # 10,000 readings of one device arrive at once: the listener holds at most max_queue of them
    # (beyond, the network thread waits and the broker keeps the rest, unacknowledged) and commits
    # them batch_size at a time; every one is counted on the device in the end
    listener = SensorListener("mqtt://127.0.0.1:1883", client_id=f"yiwang-test-{uuid.uuid4().hex[:8]}",
                              batch_size=2000, batch_seconds=2, max_queue=5000)  # the size bound, not the clock
    assert listener.queue.maxsize == 5000
    acked: list[int] = []
    listener.client.ack = lambda mid, qos: acked.append(mid)  # no broker here: record the acknowledgements
    payload = json.dumps({"value": 33}).encode()
    for mid in range(1, 5001):
        listener.queue.put_nowait((Reading("wd-1", payload, timezone.now()), mid))
    with pytest.raises(queue.Full):  # the 5,001st waits for room
        listener.queue.put_nowait((Reading("wd-1", payload, timezone.now()), 5001))
    sizes = []
    while n := listener.process_pending():
        sizes.append(n)
    assert sizes == [2000, 2000, 1000]
    assert acked == list(range(1, 5001))  # each acknowledged only after its batch was committed
    assert Sensor.objects.get(device_id="wd-1").readings == 5000 and len(listener.totals.opened) == 1


@pytest.mark.parametrize("prefix", ["yiwang/sensors", "yiwang/+/sensors/", "yiwang/#/", ""])
def test_a_topic_prefix_that_would_not_name_one_device_level_is_refused(settings, prefix):
    settings.YIWANG_SENSORS_TOPIC_PREFIX = prefix
    with pytest.raises(ValueError, match="SENSORS_TOPIC_PREFIX must end with /"):
        SensorListener("mqtt://127.0.0.1:1883")
