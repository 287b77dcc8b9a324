"""Requests an attacker (or a careless script) sends: each is answered with a 4xx, never a 500,
and none makes the server read or store a large body it will refuse anyway."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client

from yiwang.cases.models import CaseMaterial, MaterialSource
from yiwang.testing import case_factories, factories
from yiwang.testing.http import assert_error, bearer, post_json

pytestmark = pytest.mark.django_db

HUGE = "9" * 30  # far past a 64-bit integer


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_material_obtained_by_sharing_has_no_file_to_download_and_answers_404(world):
    # given a case with a material obtained by data sharing (免提交): a row with facts, no file
    case = case_factories.apply_online(world.citizen, world.applicant, world.item)
    material = world.item.materials.first()
    shared = CaseMaterial.objects.create(case=case, material=material, source=MaterialSource.SHARED, size=0,
                                         content_type="", original_name="", shared_facts={"facts": {}},
                                         uploaded_by=world.citizen)

    # when the applicant asks for its file, then there is none: 404, not a crash
    response = logged_in(world.citizen).get(f"/materials/{shared.pk}/")
    assert response.status_code == 404


@pytest.mark.parametrize("path", [
    f"/work/board/?department={HUGE}",
    f"/work/board/cases/?department={HUGE}&item={HUGE}",
    f"/materials/{HUGE}/",
])
def test_overflowing_ids_in_pages_are_not_found_not_a_crash(world, path):
    response = logged_in(world.supervisor).get(path)
    assert response.status_code in (200, 404), response.status_code


def test_an_overflowing_offset_in_the_item_search_is_refused(world):
    response = Client().get(f"/api/v1/items?offset={HUGE}")
    assert_error(response, 422, "validation_failed")


def test_an_overflowing_upload_id_is_refused(world):
    client = Client()
    auth = bearer(client, "citizen")
    material = world.item.materials.first()
    response = post_json(client, "/api/v1/applications", {
        "item_code": world.item.code, "form": {"shop_name": "青禾小馆"},
        "materials": [{"material_id": material.pk, "upload_id": int(HUGE)}]}, auth)
    assert_error(response, 422, "validation_failed")


def test_a_ten_thousand_character_lookup_key_is_refused(world):
    client = Client()
    auth = bearer(client, "scjg_reviewer")
    response = client.get("/api/v1/exchange/lookup", {"resource": "RK", "key": "1" * 10_000}, **auth)
    assert_error(response, 422, "validation_failed")


@pytest.mark.parametrize("megabytes", [5, 20])
def test_a_json_body_of_several_megabytes_is_refused_with_413(world, megabytes):
    client = Client()
    auth = bearer(client, "citizen")
    body = json.dumps({"item_code": world.item.code, "form": {"x": "a" * (megabytes * 1024 * 1024)}})
    response = client.post("/api/v1/applications", body, content_type="application/json", **auth)
    assert_error(response, 413, "payload_too_large")


def test_lifting_a_negative_list_entry_that_is_not_a_number_is_a_clear_refusal(world):
    steward = factories.user("ga_steward", GA="steward")
    response = logged_in(steward).post("/work/exchange/negative-list/", {"lift": "abc"})
    assert response.status_code in (400, 404), response.status_code


class CountingInput(io.BytesIO):
    """A request body that remembers whether anyone read it."""

    read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        chunk = super().readline(size)
        self.read_bytes += len(chunk)
        return chunk


def push_without_reading(client: Client, path: str, **extra) -> tuple[int, int]:
    """POST a 3 MB multipart body to ``path``, with a CSRF cookie (anyone gets one from the login
    page) so that the CSRF check looks in the body for its token; return the status and how many
    bytes were read."""
    from django.middleware.csrf import _get_new_csrf_string

    client.cookies["csrftoken"] = _get_new_csrf_string()
    boundary = "BoUnDaRy"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"rk.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + b"a,b\n" * (768 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    stream = CountingInput(body)
    # the test client builds wsgi.input from its data argument; send ours, which counts what is read
    request = client._base_environ(  # type: ignore[attr-defined]  # private: the only way to send our own wsgi.input
        PATH_INFO=path, REQUEST_METHOD="POST", CONTENT_LENGTH=str(len(body)),
                                   CONTENT_TYPE=f"multipart/form-data; boundary={boundary}", **extra)
    request["wsgi.input"] = stream
    response = client.request(**request)
    return response.status_code, stream.read_bytes


@pytest.fixture
def resource(db):
    from yiwang.exchange import services
    from yiwang.exchange.models import KeyKind

    ga = factories.department("GA", "县公安局")
    steward = factories.user("ga_steward", GA="steward")
    return services.publish_resource(actor=steward, code="RK", name="人口基础信息", provider=ga,
                                     key_kind=KeyKind.CITIZEN_ID, key_field="id_number",
                                     fields=[{"name": "id_number", "label": "公民身份号码", "required": True}])


@pytest.mark.parametrize("path", ["/work/exchange/resources/RK/", "/api/v1/exchange/resources/RK/datasets"])
def test_an_anonymous_dataset_push_is_refused_before_its_body_is_read(resource, path):
    # (with CSRF checks on, as in production: the CSRF check reads a form body to find its token)
    status, read = push_without_reading(Client(enforce_csrf_checks=True), path)
    assert status in (302, 401, 403), status
    assert read == 0


@pytest.mark.parametrize("path", ["/work/exchange/resources/RK/", "/api/v1/exchange/resources/RK/datasets"])
def test_a_dataset_push_by_someone_not_its_steward_is_refused_before_its_body_is_read(resource, path):
    factories.user("mz_reviewer", MZ="reviewer")
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.user("scjg_reviewer", SCJG="reviewer"))
    status, read = push_without_reading(client, path, **bearer(Client(), "mz_reviewer"))
    assert status in (403, 404), status
    assert read == 0
