from django.urls import path

from yiwang.programme import views

app_name = "programme"

urlpatterns = [
    path("work/programme/", views.overview, name="overview"),
    path("work/programme/tasks/<str:code>/", views.task_detail, name="task"),
    path("work/programme/lists/<str:kind>/", views.lists, name="lists"),
    path("work/programme/budget/", views.budget, name="budget"),
    path("work/programme/reports/", views.reports, name="reports"),
    path("work/programme/reports/this-week.<str:fmt>", views.this_week_file, name="this_week_file"),
    path("work/programme/reports/<int:report_id>.<str:fmt>", views.report_file, name="report_file"),
]
