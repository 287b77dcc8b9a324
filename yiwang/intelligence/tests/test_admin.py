"""Admin: routes are edited through the service (audited); versions are listed and activated there."""

from __future__ import annotations

from yiwang.core.models import AuditEvent, Department
from yiwang.intelligence.models import CategoryRoute, ClassifierModel


def test_admin_pages_open(admin_client, trained, routes):
    for name in ("categoryroute", "classifiermodel", "labelledexample"):
        assert admin_client.get(f"/admin/intelligence/{name}/").status_code == 200
    assert admin_client.get(f"/admin/intelligence/classifiermodel/{trained.pk}/change/").status_code == 200


def test_a_route_added_and_renamed_in_the_admin_is_audited(admin_client, db):
    # given a department
    dept = Department.objects.create(code="CG", name="县城市管理局")
    # when an administrator adds a route, then renames its category
    response = admin_client.post("/admin/intelligence/categoryroute/add/", {"category": "市容环卫", "department": dept.pk})
    assert response.status_code == 302, response.content
    route = CategoryRoute.objects.get()
    response = admin_client.post(f"/admin/intelligence/categoryroute/{route.pk}/change/",
                                 {"category": "市容", "department": dept.pk})
    assert response.status_code == 302, response.content
    # then one route remains, under the new name, and each step was audited
    assert list(CategoryRoute.objects.values_list("category", flat=True)) == ["市容"]
    assert list(AuditEvent.objects.filter(subject_type="category_route").values_list("event_type", flat=True)
                .order_by("id")) == ["category_route_set", "category_route_removed", "category_route_set"]


def test_a_version_is_activated_from_the_admin(admin_client, trained):
    # given a second, inactive version (same bytes as the first)
    from yiwang.intelligence.models import ClassifierArtifact

    second = ClassifierModel.objects.create(version=2, labels=trained.labels, sha256=trained.sha256,
                                            signature=trained.signature, size_bytes=trained.size_bytes)
    ClassifierArtifact.objects.create(model=second, data=ClassifierArtifact.objects.get(model=trained).data)
    # when
    response = admin_client.post("/admin/intelligence/classifiermodel/",
                                 {"action": "activate", "_selected_action": [second.pk]})
    # then
    assert response.status_code == 302
    assert ClassifierModel.objects.get(is_active=True).version == 2
