from django.urls import path

from national import views

urlpatterns = [
    path("national/", views.measure_list, name="measure_list"),
    # Not under national/: a measure's slug could be "load".
    path("national-statistics/load/", views.national_load, name="national_load"),
    path("national/<slug:slug>/", views.measure_detail, name="measure_detail"),
    path("national/<slug:slug>/values.csv", views.measure_csv, name="measure_csv"),
    path("national/<slug:slug>/values.xlsx", views.measure_xlsx, name="measure_xlsx"),
    path(
        "o/<slug:slug>/kpi/<str:code>/national/",
        views.kpi_national_link,
        name="kpi_national_link",
    ),
]
