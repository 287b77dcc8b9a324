from django.urls import path

from yiwang.intelligence import search_views

app_name = "intelligence"
urlpatterns = [
    path("guide/", search_views.guide, name="guide"),
]
