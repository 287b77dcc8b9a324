"""The county's gazetteer places addresses as people type them, and the duplicate rule uses it: an
address-only report joins the point-report of the same matter, and not one 300 m along the road."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from yiwang.appeals import gazetteer
from yiwang.appeals.gazetteer import build_gazetteer, geocode
from yiwang.appeals.models import AppealStatus
from yiwang.appeals.services import distance_m
from yiwang.appeals.tests.conftest import NOW, submit

DATA = gazetteer.gazetteer()
ROAD = DATA["roads"][0]  # 解放路, 城关镇, numbered from its start
CROSS = DATA["roads"][4]  # 文化路, a north-south road that crosses it
AREA = DATA["areas"][0]


def point_of(number: int) -> tuple[float, float]:
    place = geocode(f"{ROAD['name']}{number}号")
    assert place is not None
    return place.latitude, place.longitude


def test_the_shipped_file_is_what_the_generator_makes():
    assert json.loads(gazetteer.DATA_PATH.read_text(encoding="utf-8")) == json.loads(
        json.dumps(build_gazetteer(), ensure_ascii=False))


def test_a_house_number_is_placed_along_its_road():
    start = ROAD["start"]
    for number in (2, 41, 120):
        lat, lng = point_of(number)
        # numbers advance 10 m a pair from the road's start
        assert distance_m(start[0], start[1], lat, lng) == pytest.approx((number + 1) // 2 * 10, abs=2)
    assert geocode(f"{ROAD['name']}12号").uncertainty_m == gazetteer.ROAD_UNCERTAINTY_M


@pytest.mark.parametrize("typed", ["{road}12号", "某县城关镇{road}12号门口", "{road}十二号附近", "{road} 12 号。",
                                   "ＡＢ{road}１２号"])
def test_the_ways_people_write_one_address_land_on_one_point(typed):
    place = geocode(typed.format(road=ROAD["name"]))
    assert place is not None and (place.latitude, place.longitude) == point_of(12)


def test_one_character_wrong_still_finds_the_road_two_do_not():
    slip = "放" + ROAD["name"][1:]  # 放放路: one character wrong, the 路 kept
    assert geocode(f"{slip}12号").matched == f"{ROAD['name']}12号"
    assert geocode(f"{ROAD['name'][0]}{ROAD['name'][-1]}12号") is not None  # one character missing
    assert geocode("某某路12号") is None  # nothing like any road
    # 2 characters wrong is not a slip
    assert geocode("角方" + ROAD["name"][2:] + "12号") is None  # 解→角 and 放→方


def test_crossings_communities_and_landmarks():
    crossing = geocode(f"{ROAD['name']}与{CROSS['name']}交叉口")
    assert crossing.uncertainty_m == gazetteer.CROSSING_UNCERTAINTY_M
    # the crossing lies on both roads: within metres of each road's nearest numbered point
    assert min(distance_m(crossing.latitude, crossing.longitude, *point_of(n)) for n in range(1, 400)) < 10
    area = geocode(f"{AREA['name']}门口")
    assert (area.latitude, area.longitude) == tuple(AREA["point"]) and area.uncertainty_m == AREA["radius_m"]
    assert geocode("县人民医院旁边").matched == "县人民医院"


@pytest.mark.parametrize("typed", ["", "   ", ROAD["name"], f"{ROAD['name']}99999号", "<script>解放路1号</script>" * 500,
                                   "\x00\x07", "就在这附近"])
def test_what_names_no_point_is_not_placed(typed):
    place = geocode(typed)
    if "script" in typed:  # noise around a real address is read as the address, not as markup
        assert place is not None and place.matched == "解放路1号"
    else:
        assert place is None


@pytest.mark.django_db
def test_an_address_only_report_joins_the_point_report_of_the_same_matter(county):
    lat, lng = point_of(12)
    first = submit(county.citizen, latitude=f"{lat + 0.0003:.6f}", longitude=f"{lng:.6f}", address="").appeal
    # a caller gives only the address, in words and with a slip
    repeat = submit(None, now=NOW + dt.timedelta(hours=2), latitude=None, longitude=None,
                    address=f"城关镇{'放' + ROAD['name'][1:]}十二号门口").appeal
    repeat.refresh_from_db()
    assert repeat.status == AppealStatus.MERGED and repeat.merged_into == first
    # and a later point-report of it finds the matter too
    third = submit(None, now=NOW + dt.timedelta(hours=3), latitude=f"{lat:.6f}", longitude=f"{lng - 0.0004:.6f}",
                   address="").appeal
    third.refresh_from_db()
    assert third.merged_into == first


@pytest.mark.django_db
def test_another_house_number_300_m_along_the_road_is_another_matter(county):
    lat, lng = point_of(12)
    first = submit(county.citizen, latitude=f"{lat:.6f}", longitude=f"{lng:.6f}", address="").appeal
    other = submit(None, now=NOW + dt.timedelta(hours=1), latitude=None, longitude=None,
                   address=f"{ROAD['name']}72号").appeal  # 30 pairs × 10 m further
    other.refresh_from_db()
    assert other.status != AppealStatus.MERGED
    # two address-only reports: the same house number in other words merges, the far one does not
    words = submit(None, now=NOW + dt.timedelta(hours=2), latitude=None, longitude=None,
                   address=f"{ROAD['name']}七十二号附近").appeal
    words.refresh_from_db()
    assert words.merged_into == other
    first.refresh_from_db()
    assert first.reports.count() == 1


@pytest.mark.django_db
def test_an_address_the_gazetteer_cannot_place_is_still_compared_as_text(county):
    first = submit(county.citizen, latitude=None, longitude=None, address="某县外地大楼 3 层").appeal
    again = submit(None, now=NOW + dt.timedelta(hours=1), latitude=None, longitude=None, address="某县外地大楼3层").appeal
    again.refresh_from_db()
    assert again.merged_into == first
