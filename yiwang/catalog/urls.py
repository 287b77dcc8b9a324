from django.urls import path

from yiwang.catalog import views

app_name = "catalog"
urlpatterns = [
    path("items/", views.search, name="search"),
    path("items/<str:code>/", views.guide, name="guide"),
    path("items/<str:code>/process.bpmn", views.process_diagram, name="process_diagram"),
    path("packages/", views.packages, name="packages"),
    path("packages/<str:code>/", views.package, name="package"),
]
