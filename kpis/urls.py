from django.urls import path

from kpis import views, views_returns, views_upload

urlpatterns = [
    path("", views.home, name="home"),
    path("help/spc/", views.spc_help, name="spc_help"),
    path("o/<slug:slug>/", views.dashboard, name="dashboard"),
    path("o/<slug:slug>/status.csv", views.dashboard_csv, name="dashboard_csv"),
    path("o/<slug:slug>/compliance/<int:year>/", views.compliance, name="compliance"),
    path("o/<slug:slug>/kpi/<str:code>/", views.kpi_detail, name="kpi_detail"),
    path("o/<slug:slug>/kpi/<str:code>/history/", views_returns.kpi_history, name="kpi_history"),
    path("o/<slug:slug>/targets/<int:year>/", views_returns.targets_edit, name="targets_edit"),
    path("o/<slug:slug>/targets/<int:year>/copy/", views_returns.targets_copy, name="targets_copy"),
    path(
        "o/<slug:slug>/targets/upload/",
        views_upload.targets_upload_start,
        name="targets_upload_start",
    ),
    path(
        "o/<slug:slug>/targets/upload/<int:pk>/",
        views_upload.targets_upload_preview,
        name="targets_upload_preview",
    ),
    path(
        "o/<slug:slug>/targets/upload/<int:pk>/check/",
        views_upload.targets_upload_check,
        name="targets_upload_check",
    ),
    path(
        "o/<slug:slug>/targets/upload/<int:pk>/confirm/",
        views_upload.targets_upload_confirm,
        name="targets_upload_confirm",
    ),
    path("o/<slug:slug>/returns/", views_returns.return_list, name="return_list"),
    path("o/<slug:slug>/upload/", views_upload.upload_start, name="upload_start"),
    path(
        "o/<slug:slug>/upload/template.csv",
        views_upload.upload_template,
        {"fmt": "csv"},
        name="upload_template_csv",
    ),
    path(
        "o/<slug:slug>/upload/template.xlsx",
        views_upload.upload_template,
        {"fmt": "xlsx"},
        name="upload_template_xlsx",
    ),
    path("o/<slug:slug>/upload/<int:pk>/", views_upload.upload_preview, name="upload_preview"),
    path(
        "o/<slug:slug>/upload/<int:pk>/mapping/",
        views_upload.upload_mapping,
        name="upload_mapping",
    ),
    path(
        "o/<slug:slug>/upload/<int:pk>/errors.csv",
        views_upload.upload_errors_csv,
        name="upload_errors_csv",
    ),
    path(
        "o/<slug:slug>/upload/<int:pk>/check/",
        views_upload.upload_check,
        name="upload_check",
    ),
    path(
        "o/<slug:slug>/upload/<int:pk>/confirm/",
        views_upload.upload_confirm,
        name="upload_confirm",
    ),
    path("o/<slug:slug>/returns/<str:period>/", views_returns.return_detail, name="return_detail"),
    path(
        "o/<slug:slug>/returns/<str:period>/review/",
        views_returns.return_review,
        name="return_review",
    ),
    path(
        "o/<slug:slug>/returns/<str:period>/preview/",
        views_returns.return_preview,
        name="return_preview",
    ),
]
