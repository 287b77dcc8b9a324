from django.urls import path

from yiwang.core import message_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("care-mode/", views.care_mode, name="care_mode"),
    path("account/tokens/revoke/", views.revoke_tokens, name="revoke_tokens"),
    path("account/otp/enrol/", views.otp_enrol, name="otp_enrol"),
    path("account/otp/verify/", views.otp_verify, name="otp_verify"),
    path("account/password/", views.password_change, name="password_change"),
    path("me/messages/", message_views.message_list, name="messages"),
    path("me/messages/read-all/", message_views.mark_all_read, name="messages_read_all"),
    path("me/messages/<id:pk>/read/", message_views.mark_read, name="message_read"),
]
