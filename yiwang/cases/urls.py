from django.urls import path

from yiwang.cases import document_views, package_views, views

app_name = "cases"
urlpatterns = [
    path("items/<str:code>/apply/", views.apply, name="apply"),
    path("items/<str:code>/form-check/", views.form_check, name="form_check"),
    path("packages/<str:code>/apply/", package_views.apply_package, name="apply_package"),
    path("me/packages/", package_views.my_packages, name="my_packages"),
    path("me/packages/<str:number>/", package_views.my_package, name="my_package"),
    path("me/cases/", views.my_cases, name="my_cases"),
    path("me/cases/<str:number>/", views.my_case, name="my_case"),
    path("me/cases/<str:number>/supply/", views.supply_correction, name="supply"),
    path("me/cases/<str:number>/withdraw/", views.withdraw, name="withdraw"),
    path("materials/<id:pk>/", views.material_file, name="material_file"),
    path("documents/<id:pk>/", document_views.document_file, name="document_file"),
    path("cases/<str:number>/receipts/<str:kind>/", document_views.receipt, name="receipt"),
    path("progress/", document_views.progress, name="progress"),
    path("work/", views.workbench, name="workbench"),
    path("work/window/", views.window, name="window"),
    path("work/window/new/", views.walk_in, name="walk_in"),
    path("work/tasks/", views.tasks, name="tasks"),
    path("work/board/", views.board, name="board"),
    path("work/board/cases/", views.board_cases, name="board_cases"),
    path("work/board/red-list.xlsx", views.board_red_list, name="board_red_list"),
    path("work/board/urge/<str:number>/", views.board_urge, name="board_urge"),
    path("work/cases/<str:number>/", views.staff_case, name="staff_case"),
    path("work/cases/<str:number>/<str:action>/", views.staff_action, name="staff_action"),
]
