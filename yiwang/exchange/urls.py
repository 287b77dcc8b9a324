from django.urls import path

from yiwang.exchange import views

app_name = "exchange"
urlpatterns = [
    path("me/data-usage/", views.my_data_usage, name="my_data_usage"),
    path("work/exchange/", views.catalogue, name="catalogue"),
    path("work/exchange/resources/<str:code>/", views.resource, name="resource"),
    path("work/exchange/resources/<str:code>/pushes/", views.resource_pushes, name="resource_pushes"),
    path("work/exchange/datasets/<id:pk>/", views.dataset, name="dataset"),
    path("work/exchange/negative-list/", views.negative_list, name="negative_list"),
    path("work/exchange/subscriptions/", views.subscriptions, name="subscriptions"),
    path("work/exchange/subscriptions/<id:pk>/<str:action>/", views.subscription_action, name="subscription_action"),
    path("work/exchange/usage/", views.usage, name="usage"),
    path("work/exchange/reviews/", views.reviews, name="reviews"),
]
