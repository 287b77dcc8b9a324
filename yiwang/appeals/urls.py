from django.urls import path

from yiwang.appeals import views

app_name = "appeals"
urlpatterns = [
    path("appeals/new/", views.portal_new, name="portal_new"),
    path("appeals/follow/<str:token>/", views.follow, name="follow"),
    path("me/appeals/", views.my_appeals, name="my_appeals"),
    path("appeals/photos/<id:pk>/", views.photo_file, name="photo"),
    path("work/appeals/", views.work_list, name="work_list"),
    path("work/appeals/hotline/", views.hotline, name="hotline"),
    path("work/appeals/grid/", views.grid, name="grid"),
    path("work/appeals/<str:number>/", views.staff_appeal, name="staff_appeal"),
]
