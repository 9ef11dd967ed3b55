from django.urls import path

from inspections import views, views_rectification

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
    path("o/<slug:slug>/inspections/<int:pk>/edit/", views.inspection_edit, name="inspection_edit"),
    path(
        "o/<slug:slug>/inspections/<int:pk>/delete/",
        views.inspection_delete,
        name="inspection_delete",
    ),
    path("o/<slug:slug>/findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
    path("o/<slug:slug>/findings/<int:pk>/delete/", views.finding_delete, name="finding_delete"),
    path("o/<slug:slug>/actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("o/<slug:slug>/actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("o/<slug:slug>/actions/<int:pk>/delete/", views.action_delete, name="action_delete"),
    path("o/<slug:slug>/actions/<int:pk>/sign-off/", views.action_sign_off, name="action_sign_off"),
    path(
        "o/<slug:slug>/updates/<int:pk>/edit/",
        views.progress_update_edit,
        name="progress_update_edit",
    ),
    path(
        "o/<slug:slug>/updates/<int:pk>/delete/",
        views.progress_update_delete,
        name="progress_update_delete",
    ),
    path(
        "o/<slug:slug>/rectification/new/",
        views_rectification.rectification_plan_create,
        name="rectification_plan_create",
    ),
    path(
        "o/<slug:slug>/rectification/<int:pk>/",
        views_rectification.rectification_plan_detail,
        name="rectification_plan_detail",
    ),
    path(
        "o/<slug:slug>/rectification/<int:pk>/edit/",
        views_rectification.rectification_plan_edit,
        name="rectification_plan_edit",
    ),
    path(
        "o/<slug:slug>/rectification/<int:pk>/delete/",
        views_rectification.rectification_plan_delete,
        name="rectification_plan_delete",
    ),
    path(
        "o/<slug:slug>/rectification/<int:pk>/actions/new/",
        views_rectification.rectification_action_create,
        name="rectification_action_create",
    ),
    path("o/<slug:slug>/leads/", views.lead_list, name="lead_list"),
    path("o/<slug:slug>/leads/new/", views.lead_edit, name="lead_create"),
    path("o/<slug:slug>/leads/<int:pk>/edit/", views.lead_edit, name="lead_edit"),
    path("o/<slug:slug>/leads/<int:pk>/delete/", views.lead_delete, name="lead_delete"),
]
