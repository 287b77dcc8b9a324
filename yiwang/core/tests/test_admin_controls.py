"""等保三级 controls in the application: separation of duties (三权分立), administrators' actions
audited, and audit records kept for their retention period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.utils import timezone

from yiwang.core.admin_roles import (
    AUDIT_ADMIN,
    PERMISSIONS,
    SECURITY_ADMIN,
    SYSTEM_ADMIN,
    admin_roles_of,
    assign_admin_role,
    ensure_admin_groups,
    revoke_admin_role,
)
from yiwang.core.errors import DomainError
from yiwang.core.models import AuditEvent, AuditRetained, Department, StaffRole
from yiwang.core.services import record_audit
from yiwang.testing import factories

pytestmark = pytest.mark.django_db


def person(username):
    return get_user_model().objects.create_user(username=username, password=f"pw-{username}")


def refused(code, **kwargs):
    with pytest.raises(DomainError) as err:
        assign_admin_role(**kwargs)
    assert err.value.code == code, err.value.code
    return err.value


# ---------------------------------------------------------------- separation of duties


def test_the_three_roles_have_disjoint_permissions():
    groups = ensure_admin_groups()
    perms = {role: set(g.permissions.values_list("pk", flat=True)) for role, g in groups.items()}
    assert all(perms.values())
    assert not perms[SYSTEM_ADMIN] & perms[SECURITY_ADMIN]
    assert not perms[SYSTEM_ADMIN] & perms[AUDIT_ADMIN]
    assert not perms[SECURITY_ADMIN] & perms[AUDIT_ADMIN]
    # the audit administrator only reads
    assert all(p.startswith("view_") for p in groups[AUDIT_ADMIN].permissions.values_list("codename", flat=True))
    # and every listed permission exists (a typo would silently grant nothing)
    assert sum(len(actions) for grants in PERMISSIONS.values() for actions in grants.values()) == \
        sum(len(p) for p in perms.values())


def test_a_security_administrator_assigns_roles_and_each_is_audited():
    sec, alice = person("sec"), person("alice")
    assign_admin_role(actor=None, user=sec, role=SECURITY_ADMIN)  # bootstrap by the operator
    assign_admin_role(actor=sec, user=alice, role=AUDIT_ADMIN)
    assert admin_roles_of(alice) == {AUDIT_ADMIN} and alice.is_staff
    assert AuditEvent.objects.filter(event_type="admin_role_granted", actor=sec, subject_id=str(alice.pk)).exists()
    revoke_admin_role(actor=sec, user=alice, role=AUDIT_ADMIN)
    assert admin_roles_of(alice) == set()
    assert AuditEvent.objects.filter(event_type="admin_role_revoked", subject_id=str(alice.pk)).exists()


def test_nobody_grants_themselves_a_role_not_even_a_security_administrator():
    sec = person("sec")
    assign_admin_role(actor=None, user=sec, role=SECURITY_ADMIN)
    for role in (SYSTEM_ADMIN, AUDIT_ADMIN, SECURITY_ADMIN):
        refused("admin_role_self_assignment", actor=sec, user=sec, role=role)
    assert admin_roles_of(sec) == {SECURITY_ADMIN}


@pytest.mark.parametrize("held, wanted", [(SYSTEM_ADMIN, AUDIT_ADMIN), (AUDIT_ADMIN, SECURITY_ADMIN),
                                          (SECURITY_ADMIN, SYSTEM_ADMIN)])
def test_one_person_never_holds_two_of_the_three_roles(held, wanted):
    sec, bob = person("sec"), person("bob")
    assign_admin_role(actor=None, user=sec, role=SECURITY_ADMIN)
    assign_admin_role(actor=None, user=bob, role=held)
    err = refused("admin_duties_combined", actor=sec, user=bob, role=wanted)
    assert "三权分立" in err.message
    refused("admin_duties_combined", actor=None, user=bob, role=wanted)  # not even by the operator
    assert admin_roles_of(bob) == {held}


def test_only_a_security_administrator_assigns_roles():
    sys_admin, auditor, carol, dave = person("sys"), person("aud"), person("carol"), person("dave")
    assign_admin_role(actor=None, user=sys_admin, role=SYSTEM_ADMIN)
    assign_admin_role(actor=None, user=auditor, role=AUDIT_ADMIN)
    for actor in (sys_admin, auditor, carol):
        refused("not_security_admin", actor=actor, user=dave, role=SYSTEM_ADMIN)


def test_a_security_administrator_cannot_edit_their_own_groups_in_the_admin():
    sec, erin = person("sec"), person("erin")
    assign_admin_role(actor=None, user=sec, role=SECURITY_ADMIN)
    client = Client()
    client.force_login(sec)
    system = ensure_admin_groups()[SYSTEM_ADMIN]
    page = client.get(f"/admin/auth/user/{erin.pk}/change/")  # an ordinary account: editable, but not its groups
    assert page.status_code == 200
    assert b'name="username"' in page.content
    assert b'name="groups"' not in page.content and b'name="is_superuser"' not in page.content
    client.post(f"/admin/auth/user/{sec.pk}/change/", {"username": "sec", "groups": [system.pk], "is_superuser": "on",
                                                       "is_active": "on", "is_staff": "on"})
    sec.refresh_from_db()
    assert admin_roles_of(sec) == {SECURITY_ADMIN} and not sec.is_superuser


def test_a_security_administrator_cannot_edit_an_administrators_or_a_superusers_account():
    # (resetting an auditor's password would let them act as the auditor: two duties after all)
    sec, aud = person("sec"), person("aud")
    root = get_user_model().objects.create_superuser("root", password="pw-root")
    assign_admin_role(actor=None, user=sec, role=SECURITY_ADMIN)
    assign_admin_role(actor=None, user=aud, role=AUDIT_ADMIN)
    client = Client()
    client.force_login(sec)
    for target in (aud, root):
        client.post(f"/admin/auth/user/{target.pk}/password/", {"password1": "Hijack-2026-xyz", "password2": "Hijack-2026-xyz"})
        target.refresh_from_db()
        assert not target.check_password("Hijack-2026-xyz")
        assert client.post(f"/admin/auth/user/{target.pk}/delete/", {"post": "yes"}).status_code == 403


def test_the_demo_has_one_account_per_administrator_role(db):
    from yiwang.core.demo import seed_core

    seed_core()
    users = get_user_model().objects
    assert {u: admin_roles_of(users.get(username=u)) for u in ("sysadmin", "secadmin", "auditor")} == {
        "sysadmin": {SYSTEM_ADMIN}, "secadmin": {SECURITY_ADMIN}, "auditor": {AUDIT_ADMIN}}
    seed_core()  # again: nothing changes
    assert admin_roles_of(users.get(username="auditor")) == {AUDIT_ADMIN}


# ---------------------------------------------------------------- administrators' actions audited


def test_every_admin_that_can_change_or_delete_audits_it():
    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    unaudited = []
    for model, model_admin in admin.site._registry.items():
        kind = type(model_admin)
        if model_admin.has_delete_permission(request) and kind.delete_model is admin.ModelAdmin.delete_model:
            unaudited.append(f"{model.__name__}: delete")
        if model_admin.has_delete_permission(request) and kind.delete_queryset is admin.ModelAdmin.delete_queryset:
            unaudited.append(f"{model.__name__}: bulk delete")
        if (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)) and \
                kind.save_model is admin.ModelAdmin.save_model and model._meta.app_label != "auth":
            unaudited.append(f"{model.__name__}: save")
    assert not unaudited, ", ".join(unaudited)


def test_deleting_a_department_in_the_admin_is_audited():
    root = get_user_model().objects.create_superuser("root", password="pw-root")
    dept = factories.department("TMP", "临时局")
    client = Client()
    client.force_login(root)
    client.post(f"/admin/core/department/{dept.pk}/delete/", {"post": "yes"})
    assert not Department.objects.filter(pk=dept.pk).exists()
    assert AuditEvent.objects.filter(event_type="department_deleted", subject_id="TMP", actor=root).exists()


def test_changing_a_user_in_the_admin_is_audited():
    root = get_user_model().objects.create_superuser("root", password="pw-root")
    dave = person("dave")
    client = Client()
    client.force_login(root)
    response = client.post(f"/admin/auth/user/{dave.pk}/change/", {
        "username": "dave", "first_name": "Dave", "is_active": "on", "is_superuser": "on",
        "date_joined_0": "2026-12-01", "date_joined_1": "09:00:00",
        "staff_roles-TOTAL_FORMS": "0", "staff_roles-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    event = AuditEvent.objects.get(event_type="user_changed", subject_id=str(dave.pk))
    assert event.actor == root and "is_superuser" in event.details["fields"]


def test_a_staff_role_granted_inline_and_revoked_in_the_admin_is_saved_with_its_audit_record():
    root = get_user_model().objects.create_superuser("root", password="pw-root")
    dave = person("dave")
    dept = factories.department("TMP", "临时局")
    client = Client()
    client.force_login(root)
    form = {"username": "dave", "first_name": "Dave", "is_active": "on",
            "date_joined_0": "2026-12-01", "date_joined_1": "09:00:00",
            "staff_roles-TOTAL_FORMS": "1", "staff_roles-INITIAL_FORMS": "0",
            "staff_roles-0-department": str(dept.pk), "staff_roles-0-role": "clerk"}
    response = client.post(f"/admin/auth/user/{dave.pk}/change/", form)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    role = StaffRole.objects.get(user=dave)
    granted = AuditEvent.objects.get(event_type="staff_role_granted", subject_id=str(dave.pk))
    assert granted.actor == root and granted.details["department"] == "TMP" and granted.details["role"] == "clerk"
    client.post(f"/admin/core/staffrole/{role.pk}/delete/", {"post": "yes"})
    assert not StaffRole.objects.filter(user=dave).exists()
    assert AuditEvent.objects.filter(event_type="staff_role_revoked", subject_id=str(dave.pk), actor=root).exists()


def test_a_new_department_and_a_removed_holiday_in_the_admin_are_audited_and_the_calendar_forgets_it():
    import datetime as dt

    from yiwang.core.calendar import is_working_day
    from yiwang.core.models import CalendarDay
    from yiwang.core.services import set_calendar_day

    root = get_user_model().objects.create_superuser("root", password="pw-root")
    client = Client()
    client.force_login(root)
    response = client.post("/admin/core/department/add/", {"code": "NEW", "name": "新设局", "name_en": "New Bureau",
                                                           "sort_order": "5"})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    created = AuditEvent.objects.get(event_type="department_created", subject_id="NEW")
    assert created.actor == root and "name" in created.details["fields"]
    monday = dt.date(2026, 12, 7)
    set_calendar_day(actor=root, date=monday, is_working_day=False, name="临时休息")
    assert not is_working_day(monday)
    day = CalendarDay.objects.get(date=monday)
    client.post(f"/admin/core/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert is_working_day(monday)
    assert AuditEvent.objects.filter(event_type="calendar_day_removed", subject_id="2026-12-07", actor=root).exists()


# ---------------------------------------------------------------- retention


def test_audit_records_younger_than_the_retention_cannot_be_deleted(settings):
    assert settings.YIWANG_AUDIT_RETENTION_DAYS >= 180
    young = record_audit(actor=None, event_type="case_accepted", subject_type="case", subject_id=1)
    old = record_audit(actor=None, event_type="case_accepted", subject_type="case", subject_id=2,
                       at=timezone.now() - dt.timedelta(days=settings.YIWANG_AUDIT_RETENTION_DAYS + 1))
    with pytest.raises(AuditRetained):
        young.delete()
    with pytest.raises(AuditRetained):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 2
    # past the retention period, deleting is possible (archiving is the operator's decision)
    AuditEvent.objects.filter(pk=old.pk).delete()
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [young.pk]


def test_nothing_in_the_code_deletes_audit_records():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py") if "tests" not in p.parts
                 and ("AuditEvent.objects" in (t := p.read_text(encoding="utf-8")) and ".delete(" in t
                      and any("AuditEvent" in line and ".delete(" in line for line in t.splitlines()))]
    assert not offenders
