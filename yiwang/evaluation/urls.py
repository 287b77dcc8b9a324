from django.urls import path

from yiwang.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("evaluation/", views.mine, name="mine"),
    path("evaluation/cases/<str:number>/", views.rate_case, name="rate_case"),
    path("evaluation/appeals/<str:number>/", views.rate_appeal, name="rate_appeal"),
    path("evaluation/v/<str:token>/", views.old_visit_link, name="old_visit_link"),  # retired: 410
    path("evaluation/v/<str:token>/qr.png", views.old_visit_link, name="old_visit_qr"),  # retired: 410
    path("evaluation/c/<str:token>/", views.old_case_link, name="old_case_link"),  # retired: 410
    path("r/<str:token>", views.case_by_token, name="case_link"),  # the short one, sent by SMS
    path("v/<str:token>", views.visit, name="visit"),  # the tablet's and the visit QR's, channel signed in
    path("v/<str:token>/qr.png", views.visit_qr, name="visit_qr"),
    path("evaluation/window/", views.open_visit, name="open_visit"),
    path("evaluation/staff/", views.staff, name="staff"),
]
