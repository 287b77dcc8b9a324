"""A share link's purpose, typed by the holder, is stored whole or refused, never cut: before,
``create_share`` kept ``purpose[:200]``. A line break counts one character (CR LF stored as LF)."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.core.errors import InvalidInput
from yiwang.core.models import AuditEvent
from yiwang.core.text import max_chars
from yiwang.licenses import services
from yiwang.licenses.models import ShareLink
from yiwang.testing.http import assert_error, bearer, post_json

pytestmark = pytest.mark.django_db

PURPOSE_MAX = max_chars(ShareLink, "purpose")
RARE = "𬌗"


def test_a_share_purpose_of_the_limit_is_kept_whole_and_one_over_is_refused(library):
    world = library.world
    licence = library.issue()
    with pytest.raises(InvalidInput) as refused:
        services.create_share(actor=world.citizen, number=licence.number, purpose="租" * (PURPOSE_MAX + 1))
    assert refused.value.code == "text_too_long" and refused.value.details["field"] == "purpose"
    assert str(PURPOSE_MAX) in refused.value.message
    assert not ShareLink.objects.exists()
    assert not AuditEvent.objects.filter(event_type="licence_share_created").exists()
    purpose = "租房\r\n" + RARE * (PURPOSE_MAX - 3)
    share = services.create_share(actor=world.citizen, number=licence.number, purpose=purpose)
    assert ShareLink.objects.get(pk=share.pk).purpose == purpose.replace("\r\n", "\n")
    assert len(share.purpose) == PURPOSE_MAX


def test_over_the_api_a_purpose_over_the_limit_is_422_naming_the_field(library):
    licence = library.issue()
    client = Client()
    path = f"/api/v1/licences/{licence.number}/shares"
    body = assert_error(post_json(client, path, {"purpose": "租" * (PURPOSE_MAX + 1)}, bearer(client, "citizen")),
                        422, "validation_failed")
    assert body["details"]["fields"][0]["field"] == "purpose" and not ShareLink.objects.exists()
    assert post_json(client, path, {"purpose": "租" * PURPOSE_MAX}, bearer(client, "citizen")).status_code == 201
    assert ShareLink.objects.get().purpose == "租" * PURPOSE_MAX


def test_the_wallet_page_says_the_limit_at_the_field_and_keeps_what_was_typed(library):
    licence = library.issue()
    client = Client()
    client.force_login(library.world.citizen)
    too_long = "租" * (PURPOSE_MAX + 1)
    page = client.post(f"/me/licences/{licence.number}/share/", {"fields": ["holder_name"], "days": "7",
                                                                 "purpose": too_long})
    html = page.content.decode()
    assert page.status_code == 422 and 'id="err_purpose"' in html and f"不能超过 {PURPOSE_MAX} 个字" in html
    assert f'value="{too_long}"' in html and not ShareLink.objects.exists()
