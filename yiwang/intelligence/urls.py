from django.urls import path

from yiwang.intelligence import views

app_name = "intelligence"
urlpatterns = [
    path("guide/", views.guide, name="guide"),
]
