"""Material files are checked once, on the way in: not empty, not too large, and really what their
name says; and an item's material only takes the formats it lists."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from yiwang.cases import services
from yiwang.cases.models import Case, CaseMaterial
from yiwang.cases.services import MaterialRef
from yiwang.core.errors import DomainError, InvalidInput
from yiwang.testing import factories
from yiwang.testing.http import assert_error, bearer, post_json, upload

pytestmark = pytest.mark.django_db

JPG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
OFD_BYTES = b"PK\x03\x04" + b"\x00" * 64


def stage(user, name, content):
    return services.stage_upload(actor=user, file=factories.upload_file(name, content))


def refused(user, name, content):
    with pytest.raises(DomainError) as err:
        stage(user, name, content)
    assert not CaseMaterial.objects.exists()
    return err.value


def test_an_empty_file_is_refused(world):
    err = refused(world.citizen, "身份证.pdf", b"")
    assert (err.status, err.code) == (422, "file_empty")
    assert "身份证.pdf" in err.message


def test_a_pdf_named_jpg_is_refused_naming_what_it_really_is(world):
    err = refused(world.citizen, "photo.jpg", factories.PDF_BYTES)
    assert (err.status, err.code) == (422, "file_type_mismatch")
    assert err.details == {"file": "photo.jpg", "declared": "jpg", "actual": "pdf"}


def test_bytes_of_no_known_format_are_refused_whatever_the_name(world):
    err = refused(world.citizen, "scan.pdf", b"just some text, not a PDF")
    assert err.code == "file_type_mismatch" and err.details["actual"] is None


@pytest.mark.parametrize("name", ["tool.exe", "notes.txt", "archive.zip", "no_extension", "scan.pdf.exe"])
def test_an_unknown_extension_is_refused(world, name):
    err = refused(world.citizen, name, factories.PDF_BYTES)
    assert (err.status, err.code) == (422, "file_type_not_allowed")


@pytest.mark.parametrize(
    "name, content, stored_as, content_type",
    [
        ("营业执照.png", factories.PNG_BYTES, "png", "image/png"),
        ("门头照.jpg", JPG_BYTES, "jpg", "image/jpeg"),
        ("门头照.JPEG", JPG_BYTES, "jpg", "image/jpeg"),
        ("申请书.PDF", factories.PDF_BYTES, "pdf", "application/pdf"),
        ("电子证照.ofd", OFD_BYTES, "ofd", "application/ofd"),
    ],
)
def test_real_files_are_staged_with_their_true_type_and_digest(world, name, content, stored_as, content_type):
    # when a real file is uploaded
    m = stage(world.citizen, name, content)
    # then it is stored, not yet attached, under a name of our choosing with its true type
    assert m.case_id is None and m.uploaded_by == world.citizen
    assert m.original_name == name and m.size == len(content)
    assert m.content_type == content_type
    assert m.file.name.endswith(f".{stored_as}") and name not in m.file.name
    assert m.sha256 == hashlib.sha256(content).hexdigest()
    with m.file.open("rb") as f:
        assert f.read() == content


def test_the_staged_row_is_what_save_writes_and_its_signals_are_sent(world):
    from django.db.models.signals import post_save, pre_save

    sent = []

    def received(signal):
        def receiver(sender, instance, **kwargs):
            sent.append((signal, instance.pk, kwargs.get("created")))
        return receiver

    before, after = received("pre_save"), received("post_save")
    pre_save.connect(before, sender=CaseMaterial)
    post_save.connect(after, sender=CaseMaterial)
    try:
        m = stage(world.citizen, "申请书.pdf", factories.PDF_BYTES)
    finally:
        pre_save.disconnect(before, sender=CaseMaterial)
        post_save.disconnect(after, sender=CaseMaterial)
    # the signals save() sends, the key set after the insert
    assert sent == [("pre_save", None, None), ("post_save", m.pk, True)]
    assert not m._state.adding
    # and the row holds every field as the object has it (the time of upload set by the insert)
    assert m.uploaded_at is not None
    row = CaseMaterial.objects.get(pk=m.pk)
    fields = [f.attname for f in CaseMaterial._meta.concrete_fields]
    assert [getattr(row, f) for f in fields if f != "file"] == [getattr(m, f) for f in fields if f != "file"]
    assert row.file.name == m.file.name and row.shared_facts is None and row.material_id is None


def test_a_path_in_the_file_name_is_dropped(world):
    m = stage(world.citizen, "../../etc/扫描件.pdf", factories.PDF_BYTES)
    assert m.original_name == "扫描件.pdf"
    assert ".." not in m.file.name


def test_a_file_over_the_limit_is_refused_with_413(world, settings):
    # given a limit of 1 KiB
    settings.YIWANG_MAX_UPLOAD_BYTES = 1024
    # then a file of exactly the limit is taken, and one byte more is refused with 413
    stage(world.citizen, "ok.pdf", factories.PDF_BYTES.ljust(1024, b"0"))
    with pytest.raises(DomainError) as err:
        stage(world.citizen, "big.pdf", factories.PDF_BYTES.ljust(1025, b"0"))
    assert (err.value.status, err.value.code) == (413, "file_too_large")
    assert err.value.details == {"file": "big.pdf", "size": 1025, "limit_bytes": 1024}
    assert CaseMaterial.objects.count() == 1


def test_an_oversize_upload_through_the_api_is_413_in_the_error_shape(world, settings):
    settings.YIWANG_MAX_UPLOAD_BYTES = 1024
    client = Client()
    response = upload(client, bearer(client, "citizen"), "big.pdf", factories.PDF_BYTES.ljust(2048, b"0"))
    body = assert_error(response, 413, "file_too_large")
    assert body["details"]["limit_bytes"] == 1024


def test_a_request_declaring_200_mb_is_refused_before_it_is_read(world):
    # given a request whose Content-Length claims 200 MB (its body is never sent in full)
    client = Client()
    auth = bearer(client, "citizen")
    forged = 200 * 1024 * 1024
    # when it reaches the upload endpoint
    response = client.post("/api/v1/uploads", {"file": factories.upload_file("huge.pdf")}, CONTENT_LENGTH=str(forged),
                           **auth)
    # then it is refused at once with 413 in the one error shape, not a 500, and nothing is stored
    body = assert_error(response, 413, "payload_too_large")
    assert body["details"]["content_length"] == forged
    assert response["Connection"] == "close"
    assert not CaseMaterial.objects.exists()


def test_the_size_check_comes_before_authentication(db):
    # an anonymous client cannot make the server read a huge body just to say "sign in"
    response = Client().post("/api/v1/uploads", b"x", content_type="application/octet-stream",
                             CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert_error(response, 413, "payload_too_large")


@pytest.mark.parametrize("length", ["abc", "-1", ""])
def test_a_nonsense_content_length_is_not_a_server_error(world, length):
    client = Client()
    response = client.post("/api/v1/uploads", {"file": factories.upload_file("a.pdf")}, CONTENT_LENGTH=length,
                           **bearer(client, "citizen"))
    assert response.status_code < 500, response.content


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
def test_a_malformed_multipart_request_is_a_4xx_in_the_error_shape(world, content_type):
    # given a client that sends a multipart request without a usable boundary
    client = Client()
    response = client.post("/api/v1/uploads", b"--x\r\n\r\nnot really multipart", content_type=content_type,
                           **bearer(client, "citizen"))
    # then it is told its request is malformed (a 4xx in the one error shape), not a 500
    assert 400 <= response.status_code < 500, response.content
    assert set(response.json()) == {"code", "message", "details"}


def test_a_material_takes_only_the_formats_it_lists(world):
    # given an item whose premises certificate must be a PDF, and an applicant's PNG and OFD scans
    premises = world.item.materials.get(name="经营场所证明")
    premises.formats = "pdf"
    premises.save(update_fields=["formats"])
    identity = world.item.materials.get(name="身份证明")
    png = stage(world.citizen, "场所证明.png", factories.PNG_BYTES)

    # when the applicant offers the PNG as the PDF-only material
    with pytest.raises(InvalidInput) as err:
        services.submit_application(actor=world.citizen, item=world.item, applicant=world.applicant,
                                    form_data={"shop_name": "青禾小馆"}, materials=[
                                        MaterialRef(material_id=identity.pk, upload_id=stage(
                                            world.citizen, "身份证.pdf", factories.PDF_BYTES).pk),
                                        MaterialRef(material_id=premises.pk, upload_id=png.pk),
                                    ])

    # then it is refused naming the material and the formats it takes, and no case is made
    assert err.value.code == "file_type_not_allowed"
    assert err.value.details == {"material_id": premises.pk, "format": "png"}
    assert "经营场所证明" in err.value.message and "pdf" in err.value.message
    assert not Case.objects.exists()
    png.refresh_from_db()
    assert png.case_id is None

    # and an OFD, a format uploads accept, is refused for the default "pdf,jpg,png" material too
    ofd = stage(world.citizen, "身份证.ofd", OFD_BYTES)
    with pytest.raises(InvalidInput) as err:
        services.submit_application(actor=world.citizen, item=world.item, applicant=world.applicant,
                                    form_data={"shop_name": "青禾小馆"}, materials=[
                                        MaterialRef(material_id=identity.pk, upload_id=ofd.pk),
                                        MaterialRef(material_id=premises.pk, upload_id=stage(
                                            world.citizen, "场所.pdf", factories.PDF_BYTES).pk),
                                    ])
    assert err.value.details["format"] == "ofd"


def test_material_formats_over_the_api(world):
    premises = world.item.materials.get(name="经营场所证明")
    premises.formats = "pdf"
    premises.save(update_fields=["formats"])
    client = Client()
    auth = bearer(client, "citizen")
    identity = world.item.materials.get(name="身份证明")
    payload = {"item_code": world.item.code, "form": {"shop_name": "青禾小馆"}, "materials": [
        {"material_id": identity.pk, "upload_id": upload(client, auth, "id.jpg", JPG_BYTES).json()["id"]},
        {"material_id": premises.pk, "upload_id": upload(client, auth, "p.png", factories.PNG_BYTES).json()["id"]},
    ]}
    body = assert_error(post_json(client, "/api/v1/applications", payload, auth), 422, "file_type_not_allowed")
    assert body["details"]["material_id"] == premises.pk


def test_someone_elses_upload_cannot_be_attached(world):
    # given a file uploaded by the clerk
    theirs = stage(world.clerk, "clerk.pdf", factories.PDF_BYTES)
    identity = world.item.materials.get(name="身份证明")
    premises = world.item.materials.get(name="经营场所证明")
    # when the citizen offers its id
    with pytest.raises(DomainError) as err:
        services.submit_application(actor=world.citizen, item=world.item, applicant=world.applicant,
                                    form_data={"shop_name": "青禾小馆"}, materials=[
                                        MaterialRef(material_id=identity.pk, upload_id=theirs.pk),
                                        MaterialRef(material_id=premises.pk, upload_id=stage(
                                            world.citizen, "p.pdf", factories.PDF_BYTES).pk),
                                    ])
    # then it is as if it did not exist
    assert (err.value.status, err.value.code) == (404, "upload_not_found")
    assert not Case.objects.exists()


def _submit(world, *refs):
    return services.submit_application(actor=world.citizen, item=world.item, applicant=world.applicant,
                                       form_data={"shop_name": "青禾小馆"}, materials=list(refs))


def _refused_submission(world, *refs):
    with pytest.raises(DomainError) as err:
        _submit(world, *refs)
    assert not Case.objects.exists()
    return err.value


def test_a_refused_attaching_leaves_every_upload_staged(world):
    # given a good upload for the first material and one of a format the second does not take
    premises = world.item.materials.get(name="经营场所证明")
    premises.formats = "pdf"
    premises.save(update_fields=["formats"])
    identity = world.item.materials.get(name="身份证明")
    good, png = stage(world.citizen, "身份证.pdf", factories.PDF_BYTES), stage(world.citizen, "场所.png", factories.PNG_BYTES)
    # when the application is refused for the second
    err = _refused_submission(world, MaterialRef(identity.pk, good.pk), MaterialRef(premises.pk, png.pk))
    assert err.code == "file_type_not_allowed"
    # then the first, which the same statement attached, is staged again (the refusal rolled it back)
    assert list(CaseMaterial.objects.filter(pk__in=[good.pk, png.pk]).values_list("case_id", "material_id")) == [
        (None, None), (None, None)]
    # and both can be attached by an application that is right
    case, created = _submit(world, MaterialRef(identity.pk, good.pk), MaterialRef(premises.pk, stage(
        world.citizen, "场所.pdf", factories.PDF_BYTES).pk))
    assert created
    assert {(m.pk, m.material_id) for m in case.materials.all()} >= {(good.pk, identity.pk)}


def test_one_upload_offered_for_two_materials_is_refused_as_used(world):
    identity = world.item.materials.get(name="身份证明")
    premises = world.item.materials.get(name="经营场所证明")
    one = stage(world.citizen, "证明.pdf", factories.PDF_BYTES)
    err = _refused_submission(world, MaterialRef(identity.pk, one.pk), MaterialRef(premises.pk, one.pk))
    assert (err.status, err.code, err.details) == (422, "upload_already_used", {"upload_id": one.pk})
    one.refresh_from_db()
    assert (one.case_id, one.material_id) == (None, None)


def test_an_upload_of_another_case_is_refused_as_used(world):
    identity = world.item.materials.get(name="身份证明")
    premises = world.item.materials.get(name="经营场所证明")
    first = stage(world.citizen, "身份证.pdf", factories.PDF_BYTES)
    case, _ = _submit(world, MaterialRef(identity.pk, first.pk),
                      MaterialRef(premises.pk, stage(world.citizen, "场所.pdf", factories.PDF_BYTES).pk))
    with pytest.raises(DomainError) as err:
        _submit(world, MaterialRef(identity.pk, first.pk),
                MaterialRef(premises.pk, stage(world.citizen, "场所2.pdf", factories.PDF_BYTES).pk))
    assert (err.value.status, err.value.code, err.value.details) == (422, "upload_already_used", {"upload_id": first.pk})
    first.refresh_from_db()
    assert first.case_id == case.pk
    assert Case.objects.count() == 1


@pytest.mark.parametrize("upload_id", [987_654, 2**63 - 1, 2**63, 2**70])
def test_an_upload_id_that_names_nothing_is_not_found(world, upload_id):
    identity = world.item.materials.get(name="身份证明")
    premises = world.item.materials.get(name="经营场所证明")
    err = _refused_submission(world, MaterialRef(identity.pk, upload_id),
                              MaterialRef(premises.pk, stage(world.citizen, "场所.pdf", factories.PDF_BYTES).pk))
    assert (err.status, err.code, err.details) == (404, "upload_not_found", {"upload_id": upload_id})


def test_the_first_ref_in_error_is_the_one_refused(world):
    identity = world.item.materials.get(name="身份证明")
    premises = world.item.materials.get(name="经营场所证明")
    mine, extra = stage(world.citizen, "场所.pdf", factories.PDF_BYTES), stage(world.citizen, "其他.pdf", factories.PDF_BYTES)
    theirs = stage(world.clerk, "clerk.pdf", factories.PDF_BYTES)
    not_of_item = 987_654
    # an upload that is not found, before a material that is not the item's
    err = _refused_submission(world, MaterialRef(identity.pk, theirs.pk), MaterialRef(premises.pk, mine.pk),
                              MaterialRef(not_of_item, extra.pk))
    assert (err.code, err.details) == ("upload_not_found", {"upload_id": theirs.pk})
    # a material that is not the item's, before an upload that is not found
    err = _refused_submission(world, MaterialRef(premises.pk, mine.pk), MaterialRef(not_of_item, extra.pk),
                              MaterialRef(identity.pk, theirs.pk))
    assert (err.code, err.details) == ("material_not_of_item", {"material_id": not_of_item})
    assert list(CaseMaterial.objects.filter(pk__in=[mine.pk, extra.pk]).values_list("case_id", flat=True)) == [None, None]
