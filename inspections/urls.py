from django.urls import path

from inspections import views

urlpatterns = [
    path("o/<slug:slug>/inspections/", views.inspection_list, name="inspection_list"),
    path("o/<slug:slug>/inspections/new/", views.inspection_create, name="inspection_create"),
    path("o/<slug:slug>/inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path(
        "o/<slug:slug>/inspections/<int:pk>/findings/new/",
        views.finding_create,
        name="finding_create",
    ),
    path("o/<slug:slug>/findings/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("o/<slug:slug>/actions/", views.action_tracker, name="action_tracker"),
    path("o/<slug:slug>/actions/<int:pk>/update/", views.action_update, name="action_update"),
]
