"""Licence types have English names (and field labels) for the English interface, the way departments
do; the signed metadata and the PDF keep the Chinese ones: the licence is a legal document."""

from __future__ import annotations

import pytest
from django.utils import translation

from yiwang.licenses import services
from yiwang.licenses.models import LicenceType

pytestmark = pytest.mark.django_db


def english(library):
    LicenceType.objects.filter(pk=library.licence_type.pk).update(
        name_en="Food business licence",
        fields=[{"key": "shop_name", "label": "店名", "label_en": "Shop name"}, {"key": "scope", "label": "经营项目"}])
    library.licence_type.refresh_from_db()


def test_the_name_and_labels_follow_the_readers_language(library):
    english(library)
    with translation.override("en"):
        assert library.licence_type.display_name == "Food business licence"
        # a label without an English one stays Chinese rather than disappearing
        assert library.licence_type.field_labels() == {"shop_name": "Shop name", "scope": "经营项目"}
    with translation.override("zh-hans"):
        assert library.licence_type.display_name == "食品经营许可证"
        assert library.licence_type.field_labels() == {"shop_name": "店名", "scope": "经营项目"}
    library.licence_type.name_en = ""
    with translation.override("en"):
        assert library.licence_type.display_name == "食品经营许可证"


def test_the_signed_metadata_stays_chinese_in_english_mode(library):
    english(library)
    with translation.override("en"):
        licence = library.issue()
        assert services.metadata_of(licence)["licence_name"] == "食品经营许可证"
        assert "食品经营许可证".encode() in services.metadata_bytes(licence)


def test_the_wallet_and_the_verify_page_show_english_names_in_english(library, client):
    english(library)
    licence = library.issue()
    client.force_login(library.world.citizen)
    wallet = client.get("/me/licences/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Food business licence" in wallet
    page = client.get(f"/me/licences/{licence.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Food business licence" in page and "Shop name" in page
    assert "食品经营许可证" in client.get(f"/me/licences/{licence.number}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    client.logout()
    share_page = client.get(f"/verify/{licence.qr_token}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # the English name, and the Chinese one as printed on the document to compare with
    assert "Food business licence" in share_page and "(食品经营许可证)" in share_page


def test_the_demo_types_are_seeded_with_english_names_also_over_an_older_seed(db):
    from yiwang.licenses.demo import TYPES, seed_licence_library
    from yiwang.testing import factories

    for code in {t[0] for t in TYPES}:
        factories.department(code)
    seed_licence_library()
    assert LicenceType.objects.count() == len(TYPES) >= 8
    for licence_type in LicenceType.objects.all():
        assert licence_type.name_en and all(f["label_en"] for f in licence_type.fields), licence_type.name
    # a database seeded before the English names gets them at the next seed, without other changes
    LicenceType.objects.update(name_en="")
    first = LicenceType.objects.first()
    first.fields = [{"key": f["key"], "label": f["label"]} for f in first.fields]
    first.save()
    seed_licence_library()
    assert not LicenceType.objects.filter(name_en="").exists()
    assert all(f["label_en"] for f in LicenceType.objects.get(pk=first.pk).fields)


def test_the_api_gives_the_english_name_beside_the_legal_one(library, client):
    english(library)
    licence = library.issue()
    client.force_login(library.world.citizen)
    body = client.get(f"/api/v1/licences/{licence.number}").json()
    assert body["name"] == "食品经营许可证" and body["name_en"] == "Food business licence"
