from django.urls import path

from reports import views

urlpatterns = [
    path("o/<slug:slug>/report/", views.monthly_report_latest, name="monthly_report_latest"),
    path("o/<slug:slug>/report/<str:period>/", views.monthly_report, name="monthly_report"),
]
