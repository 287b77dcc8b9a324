from django.urls import path

from yiwang.core import message_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("me/messages/", message_views.message_list, name="messages"),
    path("me/messages/read-all/", message_views.mark_all_read, name="messages_read_all"),
    path("me/messages/<int:pk>/read/", message_views.mark_read, name="message_read"),
]
