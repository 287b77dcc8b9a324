"""免证办: a licence the applicant holds stands in for a material; others' or invalid ones do not."""

from __future__ import annotations

import pytest

from yiwang.catalog.models import Material
from yiwang.core.errors import Conflict, InvalidInput, NotFound
from yiwang.licenses import selectors, services
from yiwang.licenses.models import LicenceUse
from yiwang.testing import factories, item_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def needing(library):
    """An item asking for 食品经营许可证 among its materials."""
    item = item_factories.item("SCJG-NEED", dept="SCJG", materials=(("食品经营许可证", True), ("身份证明", True)))
    return item, Material.objects.get(item=item, name="食品经营许可证")


def test_the_held_licence_is_offered_and_used_with_consent_recorded(library, needing, client):
    item, material = needing
    licence = library.issue()
    assert selectors.held_licence_for(library.world.applicant, library.licence_type) == licence
    assert selectors.held_licence_for(library.other_applicant, library.licence_type) is None
    client.force_login(library.world.citizen)
    offers = client.get(f"/api/v1/licences/offerable?item_code={item.code}").json()
    assert offers == [{"material_id": material.pk, "material": "食品经营许可证", "licence_number": licence.number,
                       "licence_name": "食品经营许可证"}]
    use = services.use_licence_for_material(actor=library.world.citizen, holder=library.world.applicant,
                                            number=licence.number, material=material, case_number="YW1", purpose="办理事项")
    assert use.status_at_use == "valid" and use.consented_by == library.world.citizen


def test_another_holders_licence_cannot_be_attached(library, needing):
    _item, material = needing
    theirs = library.issue(holder=library.other_applicant)
    with pytest.raises(NotFound):
        services.use_licence_for_material(actor=library.world.citizen, holder=library.world.applicant,
                                          number=theirs.number, material=material, case_number="YW1", purpose="x")
    assert not LicenceUse.objects.exists()


def test_a_revoked_licence_is_neither_offered_nor_attached(library, needing):
    _item, material = needing
    licence = library.issue()
    services.revoke_licence(actor=library.world.decider, number=licence.number, reason="吊销")
    assert selectors.held_licence_for(library.world.applicant, library.licence_type) is None
    with pytest.raises(Conflict) as exc:
        services.use_licence_for_material(actor=library.world.citizen, holder=library.world.applicant,
                                          number=licence.number, material=material, case_number="YW1", purpose="x")
    assert "revoked" in exc.value.message


def test_a_licence_of_another_type_cannot_stand_for_the_material(library, needing):
    item, _material = needing
    licence = library.issue()
    other_material = Material.objects.get(item=item, name="身份证明")
    with pytest.raises(InvalidInput):
        services.use_licence_for_material(actor=library.world.citizen, holder=library.world.applicant,
                                          number=licence.number, material=other_material, case_number="YW1", purpose="x")


def _apply(client, library, item, number):
    from yiwang.cases.services import stage_upload

    id_material = Material.objects.get(item=item, name="身份证明")
    upload = stage_upload(actor=library.world.citizen, file=factories.upload_file())
    licence_material = Material.objects.get(item=item, name="食品经营许可证")
    return client.post("/api/v1/applications", {
        "item_code": item.code, "form": {"shop_name": "青禾小馆"},
        "materials": [{"material_id": id_material.pk, "upload_id": upload.pk}],
        "licences": [{"material_id": licence_material.pk, "licence_number": number}],
    }, content_type="application/json")


def test_applying_with_a_licence_from_the_library_instead_of_an_upload(library, needing, client):
    from yiwang.cases.models import Case, CaseMaterial

    item, material = needing
    licence = library.issue()
    client.force_login(library.world.citizen)
    response = _apply(client, library, item, licence.number)
    assert response.status_code == 201, response.json()
    case = Case.objects.get(number=response.json()["number"])
    row = CaseMaterial.objects.get(case=case, material=material)
    assert row.source == "licence" and row.shared_facts["licence"]["status_at_use"] == "valid"
    use = LicenceUse.objects.get(case_number=case.number)
    assert use.licence == licence and use.consented_by == library.world.citizen
    # the clerk sees where it came from and its status at the time of use
    client.force_login(library.world.clerk)
    page = client.get(f"/work/cases/{case.number}/").content.decode()
    assert "取自电子证照库" in page and licence.number in page


def test_applying_with_another_holders_or_a_revoked_licence_creates_no_case(library, needing, client):
    from yiwang.cases.models import Case

    item, _material = needing
    theirs = library.issue(holder=library.other_applicant)
    mine = library.issue()
    services.revoke_licence(actor=library.world.decider, number=mine.number, reason="吊销")
    client.force_login(library.world.citizen)
    assert _apply(client, library, item, theirs.number).status_code == 404
    response = _apply(client, library, item, mine.number)
    assert response.status_code == 409 and response.json()["code"] == "licence_not_usable"
    assert not Case.objects.exists() and not LicenceUse.objects.exists()


def test_the_kpi_counts_materials_taken_from_the_licence_library(library, needing, client):
    item, _material = needing
    licence = library.issue()
    client.force_login(library.world.citizen)
    assert _apply(client, library, item, licence.number).status_code == 201
    assert client.get("/api/v1/kpi/materials").status_code == 403
    client.force_login(library.world.supervisor)
    body = client.get("/api/v1/kpi/materials").json()
    assert body == {"materials": 2, "uploaded": 1, "shared": 0, "from_licences": 1, "rate": 0.5}


def test_the_item_api_says_obtained_by_licence_for_the_holder_only_while_the_licence_is_valid(library, needing, client):
    from yiwang.testing.http import bearer

    item, material = needing
    licence = library.issue()
    holder = bearer(client, "citizen")
    materials = {m["id"]: m for m in client.get(f"/api/v1/items/{item.code}", **holder).json()["materials"]}
    assert materials[material.pk]["obtained_by"] == "licence"
    other = {m["id"]: m for m in client.get(f"/api/v1/items/{item.code}", **bearer(client, "other")).json()["materials"]}
    assert other[material.pk]["obtained_by"] == "upload"
    services.revoke_licence(actor=library.world.decider, number=licence.number, reason="吊销")
    materials = {m["id"]: m for m in client.get(f"/api/v1/items/{item.code}", **holder).json()["materials"]}
    assert materials[material.pk]["obtained_by"] == "upload"


def test_the_apply_page_offers_the_held_licence_and_uses_it_only_when_ticked(library, needing, client):
    from yiwang.cases.models import Case, CaseMaterial, MaterialSource

    item, material = needing
    id_card = Material.objects.get(item=item, name="身份证明")
    licence = library.issue()
    client.force_login(library.world.citizen)
    # the page offers the licence, unticked (ticking it is the consent), and does not mark the material required
    page = client.get(f"/items/{item.code}/apply/").content.decode()
    assert f'name="licence_{material.pk}" value="{licence.number}"' in page
    assert f'id="lic_{material.pk}" type="checkbox" name="licence_{material.pk}" value="{licence.number}" checked' not in page
    # left unticked and not uploaded, the material is missing and nothing is created
    form = {"shop_name": "青禾小馆", "submission_token": "t-1", f"material_{id_card.pk}": factories.upload_file()}
    refused = client.post(f"/items/{item.code}/apply/", form)
    assert refused.status_code == 200 and not Case.objects.exists()
    assert "缺少必要材料" in refused.content.decode()
    # ticked: the case is made with the licence taken from the library, consent recorded
    form = {"shop_name": "青禾小馆", "submission_token": "t-2", f"material_{id_card.pk}": factories.upload_file(),
            f"licence_{material.pk}": licence.number}
    response = client.post(f"/items/{item.code}/apply/", form)
    assert response.status_code == 302, response.content.decode()[:500]
    case = Case.objects.get()
    used = CaseMaterial.objects.get(case=case, material=material)
    assert used.source == MaterialSource.LICENCE
    assert LicenceUse.objects.get(licence=licence, case_number=case.number).consented_by == library.world.citizen
