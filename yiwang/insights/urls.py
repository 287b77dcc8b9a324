from django.urls import path

from yiwang.insights import views

app_name = "insights"

urlpatterns = [
    path("insights/", views.dashboard, name="dashboard"),
    path("insights/kpi/<slug:code>/", views.drill, name="drill"),
    path("insights/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("insights/report/weekly.pdf", views.weekly_pdf, name="weekly_pdf"),
]
