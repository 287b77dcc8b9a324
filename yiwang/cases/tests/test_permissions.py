"""Need-to-know on a case (issue 8 item 5): the applicant's fields, the 免提交 facts and the uploaded
files follow one rule (``yiwang.cases.permissions``): the applicant, window clerks and the handling
department's approvers see them; supervisors and other staff who may open the case do not."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from yiwang.cases import permissions, services
from yiwang.cases.models import CaseMaterial, MaterialSource
from yiwang.cases.tests.test_sharing_in_cases import citizen_and_id_card_item, county, sample_form  # noqa: F401
from yiwang.testing import case_factories

pytestmark = pytest.mark.django_db


def _case():
    user, applicant, id_card, item = citizen_and_id_card_item()
    refs = case_factories.required_material_refs(user, item, exclude=(id_card.pk,))
    case, _created = services.submit_application(actor=user, item=item, applicant=applicant, form_data=sample_form(item),
                                                 materials=refs)
    shared = CaseMaterial.objects.get(case=case, material=id_card)
    uploaded = CaseMaterial.objects.filter(case=case).exclude(source=MaterialSource.SHARED).first()
    return case, applicant, shared, uploaded


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_supervisors_and_stewards_see_masked_facts_and_cannot_download_files(county):  # noqa: F811
    case, applicant, shared, uploaded = _case()
    assert uploaded is not None and shared.shared_facts["facts"]["name"] == applicant.name
    steward = f"{case.department.code.lower()}_steward"
    for username in ("supervisor", steward, "ga_steward"):
        client = _client(username)
        page = client.get(f"/work/cases/{case.number}/")
        if page.status_code == 200:  # may open the case, but not its personal data
            html = page.content.decode()
            assert applicant.name not in html and applicant.id_number not in html, username
            assert f"/materials/{uploaded.pk}/" not in html
        assert client.get(f"/materials/{uploaded.pk}/").status_code in (403, 404), username
        api = client.get(f"/api/v1/cases/{case.number}")
        if api.status_code == 200:
            assert applicant.id_number not in api.content.decode()


def test_the_applicant_clerks_and_the_handling_department_see_everything(county):  # noqa: F811
    case, applicant, shared, uploaded = _case()
    reviewer = f"{case.department.code.lower()}_reviewer"
    for username in ("citizen", "clerk", reviewer):
        client = _client(username)
        assert client.get(f"/materials/{uploaded.pk}/").status_code == 200, username
    html = _client("clerk").get(f"/work/cases/{case.number}/").content.decode()
    assert applicant.name in html and f"/materials/{uploaded.pk}/" in html


def test_a_shared_material_has_no_file_and_answers_404_not_500(county):  # noqa: F811
    case, _applicant, shared, _uploaded = _case()
    assert _client("citizen").get(f"/materials/{shared.pk}/").status_code == 404


def test_the_rule_is_one_function_for_views_and_api(county):  # noqa: F811
    case, applicant, shared, _uploaded = _case()
    supervisor = get_user_model().objects.get(username="supervisor")
    assert not permissions.may_see_personal_data(supervisor, case)
    view = permissions.shared_facts_view(shared.shared_facts, full=False)
    assert view["masked"] and applicant.name not in str(view["facts"]) and view["resource"] == "GA_RKJBXX"
    assert permissions.shared_facts_view(shared.shared_facts, full=True) == shared.shared_facts
