from django.urls import path

from reports import views

urlpatterns = [
    path("o/<slug:slug>/report/", views.monthly_report_latest, name="monthly_report_latest"),
    path("o/<slug:slug>/report/<str:period>/", views.monthly_report, name="monthly_report"),
    path("o/<slug:slug>/annual-report/<int:year>/", views.annual_report, name="annual_report"),
    path("o/<slug:slug>/scrutiny-pack/", views.scrutiny_pack_latest, name="scrutiny_pack_latest"),
    path("o/<slug:slug>/scrutiny-pack/<str:period>/", views.scrutiny_pack, name="scrutiny_pack"),
]
