from django.urls import path

from schedule6 import views

urlpatterns = [
    path(
        "o/<slug:slug>/report/<str:period>/summary/",
        views.summary_analysis_edit,
        name="summary_analysis_edit",
    ),
    path(
        "o/<slug:slug>/report/<str:period>/audits/new/",
        views.audit_activity_create,
        name="audit_activity_create",
    ),
    path(
        "o/<slug:slug>/report/<str:period>/audit-themes/new/",
        views.audit_theme_create,
        name="audit_theme_create",
    ),
    path(
        "o/<slug:slug>/report/<str:period>/audit-findings/new/",
        views.audit_finding_create,
        name="audit_finding_create",
    ),
    path(
        "o/<slug:slug>/report/<str:period>/surveys/new/",
        views.survey_create,
        name="survey_create",
    ),
    path(
        "o/<slug:slug>/failure-rule/<int:year>/",
        views.failure_rule_edit,
        name="failure_rule_edit",
    ),
    path(
        "o/<slug:slug>/annual-report/<int:year>/words/",
        views.annual_review_edit,
        name="annual_review_edit",
    ),
]
