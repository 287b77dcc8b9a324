from django.urls import path

from yiwang.identity import views

app_name = "identity"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/enterprise/", views.register_enterprise, name="register_enterprise"),
    path("me/identity/", views.me, name="me"),
    path("me/identity/verify/", views.verify_online, name="verify_online"),
    path("me/identity/authorisations/", views.grant, name="grant"),
    path("identity/authorisations/<id:pk>/revoke/", views.revoke, name="revoke"),
    path("workbench/identity/", views.window, name="window"),
]
