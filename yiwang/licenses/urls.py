from django.urls import path

from yiwang.licenses import views

app_name = "licenses"
urlpatterns = [
    path("verify/<str:token>", views.verify, name="verify"),
    path("me/licences/", views.wallet, name="wallet"),
    path("me/licences/<str:number>/", views.wallet_licence, name="wallet_licence"),
    path("me/licences/<str:number>/share/", views.share, name="share"),
    path("me/licences/<str:number>/shares/<int:share_id>/withdraw/", views.withdraw, name="withdraw"),
    path("licences/<str:number>/licence.pdf", views.licence_pdf, name="pdf"),
    path("work/licences/", views.registry, name="registry"),
    path("work/licences/<str:number>/revoke/", views.revoke, name="revoke"),
]
