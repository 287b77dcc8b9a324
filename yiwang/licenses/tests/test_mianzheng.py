"""免证办: a licence the applicant holds stands in for a material; others' or invalid ones do not."""

from __future__ import annotations

import pytest

from yiwang.catalog.models import Material
from yiwang.core.errors import Conflict, InvalidInput, NotFound
from yiwang.licenses import selectors, services
from yiwang.licenses.models import LicenceUse
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def needing(library):
    """An item asking for 食品经营许可证 among its materials."""
    item = factories.item("SCJG-NEED", dept="SCJG", materials=(("食品经营许可证", True), ("身份证明", True)))
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
