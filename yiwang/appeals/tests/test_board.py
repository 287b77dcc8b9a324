"""The command board (应急指挥): who may open it, what it counts, that its lights are the appeals' one
SLA rule, the oldest overdue, the map's points, and the hot-topics snapshot — through the API and
the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from yiwang.appeals import board, geo, hot_topics, services
from yiwang.appeals.models import Appeal, AppealChannel, AppealType, HotTopicSnapshot, Urgency
from yiwang.appeals.tests.conftest import NOW, submit
from yiwang.core.models import AuditEvent
from yiwang.testing import factories

pytestmark = pytest.mark.django_db
API = "/api/v1/appeals/board"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def centre_of(town: str) -> tuple[float, float]:
    _name, col, row = next(t for t in geo.TOWNS if t[0] == town)
    west, east, south, north = geo._cell(col, row)
    return round((south + north) / 2, 6), round((west + east) / 2, 6)


def appeal_in(town: str, title: str, *, category: str = "交通运输", department: str = "JT", hours_ago: float = 1,
              urgency: str = Urgency.NORMAL, appeal_type: str = AppealType.COMPLAINT) -> Appeal:
    lat, lng = centre_of(town)
    return submit(None, channel=AppealChannel.PORTAL, title=title, body="", latitude=lat, longitude=lng,
                  category=category, department=department, urgency=urgency, appeal_type=appeal_type,
                  now=NOW - dt.timedelta(hours=hours_ago)).appeal


def set_deadline(appeal: Appeal, *, due_in_hours: float, warn_in_hours: float) -> None:
    Appeal.objects.filter(pk=appeal.pk).update(due_at=NOW + dt.timedelta(hours=due_in_hours),
                                                warn_at=NOW + dt.timedelta(hours=warn_in_hours))


@pytest.fixture
def now(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    return NOW


@pytest.fixture
def county_board(county, now):
    """Three open appeals in three towns — overdue, due soon, in time — and a closed one."""
    late = appeal_in("城关镇", "人民路地下通道积水无法通行", category="城乡建设", department="HB",
                     urgency=Urgency.EMERGENCY, appeal_type=AppealType.EVENT, hours_ago=5)
    soon = appeal_in("青山镇", "公交车班次太少", hours_ago=20)
    fine = appeal_in("白沙镇", "学校门口接送拥堵", urgency=Urgency.URGENT, hours_ago=2)
    done = appeal_in("南塘镇", "出租车拒载", hours_ago=30)
    set_deadline(late, due_in_hours=-3, warn_in_hours=-4)
    set_deadline(soon, due_in_hours=2, warn_in_hours=-1)
    set_deadline(fine, due_in_hours=40, warn_in_hours=30)
    services.close_appeal(actor=county.jt, number=done.number, reply="已处理", now=NOW)
    return late, soon, fine, done


def test_duty_officers_open_the_board_and_nobody_else(county, now):
    factories.department("YJ", "县应急管理局")
    duty = [county.supervisor, county.dispatcher, county.agent, factories.user("yj_officer", YJ="reviewer")]
    for user in duty:
        assert client_for(user).get(API).status_code == 200, user
    for user in (county.jt, county.jt_head, county.grid, county.catch_all, county.citizen):
        response = client_for(user).get(API)
        assert response.status_code == 403, user
        assert response.json()["code"] == "not_on_duty"
    assert Client().get(API).status_code == 401


def test_counts_by_category_district_and_status_leave_closed_appeals_out(county, county_board):
    late, soon, fine, done = county_board
    data = client_for(county.supervisor).get(API).json()
    assert data["totals"]["open"] == 3
    assert (data["totals"]["overdue"], data["totals"]["due_soon"]) == (1, 1)
    assert data["totals"]["urgent_open"] == 2
    assert data["totals"]["closed_24h"] == 1
    towns = {d["district"]: (d["open"], d["light"]) for d in data["by_district"]}
    assert towns == {"城关镇": (1, "red"), "青山镇": (1, "yellow"), "白沙镇": (1, "green")}
    categories = {c["category"]: (c["open"], c["red"], c["yellow"], c["green"]) for c in data["by_category"]}
    assert categories == {"城乡建设": (1, 1, 0, 0), "交通运输": (2, 0, 1, 1)}
    assert {s["status"]: s["open"] for s in data["by_status"]} == {"handling": 3}
    heat = {(h["category"], h["district"]): h["light"] for h in data["heat"]}
    assert heat == {("城乡建设", "城关镇"): "red", ("交通运输", "青山镇"): "yellow", ("交通运输", "白沙镇"): "green"}


def test_the_lights_are_the_appeals_own_rule(county, county_board):
    late, soon, _fine, _done = county_board
    # when the overdue appeal's deadline is moved (an extension) and the due-soon one passes its deadline
    set_deadline(late, due_in_hours=10, warn_in_hours=8)
    set_deadline(soon, due_in_hours=-0.5, warn_in_hours=-2)
    data = client_for(county.supervisor).get(API).json()
    # then the board follows at once
    assert [a["number"] for a in data["overdue"]] == [soon.number]
    assert {d["district"]: d["light"] for d in data["by_district"]}["城关镇"] == "green"
    assert {d["district"]: d["light"] for d in data["by_district"]}["青山镇"] == "red"


def test_the_oldest_overdue_come_first_and_link_to_the_appeal(county, county_board, now):
    late, soon, fine, _done = county_board
    set_deadline(soon, due_in_hours=-1, warn_in_hours=-2)
    data = client_for(county.dispatcher).get(API).json()
    assert [(a["number"], a["overdue_hours"]) for a in data["overdue"]] == [(late.number, 3.0), (soon.number, 1.0)]
    page = client_for(county.dispatcher).get(f"/work/appeals/{late.number}/")
    assert page.status_code == 200


def test_the_map_shows_open_events_and_urgent_appeals_with_their_light(county, county_board):
    late, soon, fine, _done = county_board
    points = {p["number"]: p for p in client_for(county.supervisor).get(API).json()["points"]}
    assert set(points) == {late.number, fine.number}  # the normal-urgency complaint is not a map point
    assert points[late.number]["light"] == "red" and points[late.number]["appeal_type"] == "event"
    assert points[fine.number]["light"] == "green"
    assert geo.district_of(points[late.number]["latitude"], points[late.number]["longitude"]) == "城关镇"
    assert not points[late.number]["approximate"] and points[late.number]["uncertainty_m"] is None


def test_an_address_only_report_is_counted_in_its_town_and_placed_on_the_map_as_approximate(county, now):
    placed = submit(None, title="解放路12号门口燃气泄漏", body="", address="某县城关镇解放路12号", category="城乡建设",
                    department="HB", urgency=Urgency.EMERGENCY, appeal_type=AppealType.EVENT).appeal
    unknown = submit(None, title="火星基地门口积水", body="", address="火星基地7号", category="城乡建设",
                     department="HB", urgency=Urgency.EMERGENCY, appeal_type=AppealType.EVENT).appeal
    assert placed.latitude is None and placed.address == "某县城关镇解放路12号"  # the report keeps what was typed
    assert placed.district == "城关镇" and unknown.district == ""
    board = client_for(county.supervisor).get(API).json()
    points = {p["number"]: p for p in board["points"]}
    assert set(points) == {placed.number}  # an address no gazetteer knows is counted, not drawn
    point = points[placed.number]
    assert point["approximate"] is True and 0 < point["uncertainty_m"] <= 100
    assert geo.district_of(point["latitude"], point["longitude"]) == "城关镇"
    towns = {d["district"]: d["open"] for d in board["by_district"]}
    assert towns == {"城关镇": 1, "": 1}


def test_the_map_limit_counts_only_appeals_it_can_place(county, now):
    """Unplaceable addresses with the most pressing deadlines must not take the map's places: the
    limit is taken after they are dropped."""
    unknown = [submit(None, title=f"火星基地{i}号门口积水", body="", address=f"火星基地{i}号", category="城乡建设",
                      department="HB", urgency=Urgency.EMERGENCY, appeal_type=AppealType.EVENT).appeal
               for i in range(3)]
    placed = [submit(None, title=f"解放路{n}号门口燃气泄漏", body="", address=f"某县城关镇解放路{n}号",
                     category="城乡建设", department="HB", urgency=Urgency.EMERGENCY,
                     appeal_type=AppealType.EVENT).appeal for n in (12, 200)]  # 1 km apart: no duplicate
    pinned = appeal_in("青山镇", "青山镇桥面塌陷", category="城乡建设", department="HB",
                       urgency=Urgency.EMERGENCY, appeal_type=AppealType.EVENT)
    for hours, appeal in enumerate([*unknown, *placed, pinned]):  # the unplaceable are due first
        set_deadline(appeal, due_in_hours=hours + 1, warn_in_hours=hours)
    points = board.points(NOW, limit=3)
    assert [p["number"] for p in points] == [placed[0].number, placed[1].number, pinned.number]
    assert [p["approximate"] for p in points] == [True, True, False]


def test_hot_topics_come_from_the_latest_snapshot_with_trend_and_links(county, now):
    factories.department("ZJ")
    data = client_for(county.supervisor).get(API).json()
    assert data["hot_topics"] is None  # not computed yet: the page says so
    flood = ["人民路地下通道积水很深，车都过不去", "地下通道又淹了，积水到膝盖", "积水严重 地下通道 无法通行",
             "下雨后地下通道积水，请派人抽水"]
    created = [appeal_in(town, text, category="城乡建设", department="ZJ", hours_ago=10 + i)
               for i, (town, text) in enumerate(zip([t for t, _c, _r in geo.TOWNS], flood, strict=False))]
    appeal_in("白沙镇", "上周地下通道积水严重", category="城乡建设", department="ZJ", hours_ago=24 * 9)
    appeal_in("南塘镇", "想咨询护照怎么办理", category="交通运输", hours_ago=3)
    snapshot = hot_topics.refresh(now=NOW)
    topics = client_for(county.supervisor).get(API).json()["hot_topics"]
    assert topics["considered"] == 5
    [topic] = topics["topics"]
    assert "积水" in topic["keywords"] and (topic["count"], topic["previous"]) == (4, 1)
    assert {a["number"] for a in topic["appeals"]} == {a.number for a in created}
    assert AuditEvent.objects.filter(event_type="appeal_hot_topics_refreshed", subject_id=str(snapshot.pk)).exists()


def test_merged_appeals_are_not_counted_twice_in_a_topic(county, now):
    factories.department("ZJ")
    for i, text in enumerate(["地下通道积水很深", "地下通道又积水了", "积水 地下通道"]):
        appeal_in(geo.TOWNS[i][0], text, category="城乡建设", department="ZJ", hours_ago=5)
    Appeal.objects.filter(title="积水 地下通道").update(status="merged")
    assert hot_topics.refresh(now=NOW).considered == 2


def test_old_snapshots_are_pruned(county, now):
    for _ in range(hot_topics.KEEP + 3):
        hot_topics.refresh(now=NOW)
    assert HotTopicSnapshot.objects.count() == hot_topics.KEEP


def test_the_page_is_for_duty_officers_and_escapes_what_citizens_wrote(county, now):
    hostile = appeal_in("城关镇", "</script><script>alert(1)</script>", urgency=Urgency.EMERGENCY)
    c = client_for(county.supervisor)
    page = c.get("/work/appeals/board/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert hostile.number in html  # in the embedded JSON, escaped
    assert 'id="board-initial"' in html and 'src="/static/appeals/board.js"' in html
    assert 'href="/work/appeals/board/"' in client_for(county.dispatcher).get("/work/appeals/").content.decode()
    assert 'href="/work/appeals/board/"' not in client_for(county.jt).get("/work/appeals/").content.decode()
    assert client_for(county.jt).get("/work/appeals/board/").status_code == 403
    assert client_for(county.citizen).get("/work/appeals/board/").status_code == 403
    anonymous = Client().get("/work/appeals/board/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")


@pytest.mark.django_db(transaction=True)
def test_with_a_replica_the_board_is_read_from_it_and_says_the_same(county, county_board, replica_database):
    """The board may be a moment stale: with DATABASE_REPLICA_URL its reads go to the replica (a
    read-only connection here, so any write sent there would fail), the duty officer's own session and
    roles come from the primary, and it shows what the primary holds."""
    from django.test.utils import CaptureQueriesContext

    client = client_for(county.supervisor)
    with CaptureQueriesContext(replica_database) as on_replica:
        board = client.get(API)
        page = client.get("/work/appeals/board/")
    assert board.status_code == 200 and page.status_code == 200
    on_replica_sql = " ".join(q["sql"] for q in on_replica.captured_queries)
    assert "appeals_appeal" in on_replica_sql
    assert "django_session" not in on_replica_sql and "auth_user" not in on_replica_sql
    data = board.json()
    assert (data["totals"]["open"], data["totals"]["overdue"], data["totals"]["closed_24h"]) == (3, 1, 1)
    late, _soon, _fine, _done = county_board
    assert late.number in page.content.decode()
