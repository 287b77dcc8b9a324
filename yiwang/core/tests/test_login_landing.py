"""After signing in, staff land on their workbench (the clerk at the window, approvers at their
tasks, the supervisor at the board, a steward at data sharing), administrators in Django admin,
applicants on the home page; a ``next`` naming a particular page is still honoured."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from yiwang.core.admin_roles import SYSTEM_ADMIN
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


def sign_in(client, username: str, next_: str | None = "/"):
    data = {"username": username, "password": f"pw-{username}"}
    if next_ is not None:
        data["next"] = next_
    response = client.post("/login/", data)
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


@pytest.mark.parametrize(("username", "roles", "landing"), [
    ("clerk", {"ZWFW": "clerk"}, "/work/window/"),
    ("scjg_reviewer", {"SCJG": "reviewer"}, "/work/tasks/"),
    ("scjg_decider", {"SCJG": "decider"}, "/work/tasks/"),
    ("scjg_head", {"SCJG": "head"}, "/work/tasks/"),
    ("supervisor", {"ZWFW": "supervisor"}, "/work/board/"),
    ("ga_steward", {"GA": "steward"}, "/work/exchange/"),
    # several places to work: the workbench links to each
    ("busy", {"ZWFW": "clerk", "GA": "steward"}, "/work/"),
])
@pytest.mark.parametrize("next_", ["/", "", None])
def test_staff_land_on_their_workbench(client, username, roles, landing, next_):
    factories.department("ZWFW", "政务服务管理局", centre=True)
    factories.user(username, **roles)
    assert sign_in(client, username, next_) == landing


def test_a_particular_page_asked_for_is_honoured(client):
    factories.user("clerk", ZWFW="clerk")
    assert sign_in(client, "clerk", "/items/") == "/items/"


def test_a_foreign_next_is_not_followed(client):
    factories.user("clerk", ZWFW="clerk")
    assert sign_in(client, "clerk", "https://evil.example/") == "/work/window/"


def test_administrators_land_in_admin_and_applicants_at_home(client):
    admin = factories.user("sysadmin")
    admin.groups.add(Group.objects.get_or_create(name=SYSTEM_ADMIN)[0])
    assert sign_in(client, "sysadmin") == "/admin/"
    client.logout()
    factories.citizen()
    assert sign_in(client, "citizen") == "/"
