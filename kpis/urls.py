from django.urls import path

from kpis import views

urlpatterns = [
    path("", views.home, name="home"),
    path("o/<slug:slug>/", views.dashboard, name="dashboard"),
    path("o/<slug:slug>/status.csv", views.dashboard_csv, name="dashboard_csv"),
    path("o/<slug:slug>/kpi/<str:code>/", views.kpi_detail, name="kpi_detail"),
]
