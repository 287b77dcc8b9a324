from django.urls import path

from yiwang.credit import views

app_name = "credit"

urlpatterns = [
    path("credit/mine/", views.my_credit, name="my_credit"),
    path("credit/mine/report.pdf", views.my_report, name="my_report"),
    path("credit/lookup/", views.staff_lookup, name="staff_lookup"),
    path("credit/datasets/", views.datasets, name="datasets"),
]
