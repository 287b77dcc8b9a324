from django.urls import path, re_path

from yiwang.appeals import open311, views

app_name = "appeals"
urlpatterns = [
    path("appeals/new/", views.portal_new, name="portal_new"),
    path("appeals/follow/<str:token>/", views.follow, name="follow"),
    path("me/appeals/", views.my_appeals, name="my_appeals"),
    path("appeals/photos/<id:pk>/", views.photo_file, name="photo"),
    path("work/appeals/", views.work_list, name="work_list"),
    path("work/appeals/hotline/", views.hotline, name="hotline"),
    path("work/appeals/grid/", views.grid, name="grid"),
    path("work/appeals/board/", views.board, name="board"),
    path("work/appeals/<str:number>/", views.staff_appeal, name="staff_appeal"),
    # Open311 GeoReport v2: every path ends in .json or .xml (another suffix is answered 400)
    re_path(r"^open311/v2/discovery\.(?P<fmt>[a-z0-9]{1,10})$", open311.discovery, name="open311_discovery"),
    re_path(r"^open311/v2/services\.(?P<fmt>[a-z0-9]{1,10})$", open311.service_list, name="open311_services"),
    re_path(r"^open311/v2/services/(?P<code>[^/]{1,80})\.(?P<fmt>[a-z0-9]{1,10})$", open311.service_definition,
            name="open311_service"),
    re_path(r"^open311/v2/requests\.(?P<fmt>[a-z0-9]{1,10})$", open311.requests_, name="open311_requests"),
    re_path(r"^open311/v2/requests/(?P<request_id>[^/]{1,80})\.(?P<fmt>[a-z0-9]{1,10})$", open311.request_detail,
            name="open311_request"),
    re_path(r"^open311/v2/tokens/(?P<token>[^/]{1,80})\.(?P<fmt>[a-z0-9]{1,10})$", open311.token_detail,
            name="open311_token"),
]
