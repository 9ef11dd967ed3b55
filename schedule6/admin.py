from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from schedule6.models import (
    AnnualReview,
    AuditActivity,
    AuditFinding,
    AuditTheme,
    FailureRule,
    SummaryAnalysis,
    Survey,
)


@admin.register(SummaryAnalysis)
class SummaryAnalysisAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "period", "title"]
    list_filter = ["organisation"]
    search_fields = ["title", "text"]


@admin.register(FailureRule)
class FailureRuleAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "contract_year", "kind", "months", "margin"]
    list_filter = ["organisation", "kind"]


@admin.register(AuditActivity)
class AuditActivityAdmin(SimpleHistoryAdmin):
    list_display = [
        "organisation", "period_from", "period", "service", "kind", "expected", "completed",
        "good", "requires_improvement", "inadequate",
    ]  # fmt: skip
    list_filter = ["organisation", "kind"]


@admin.register(AuditTheme)
class AuditThemeAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "period", "strand", "theme"]
    list_filter = ["organisation", "strand"]


@admin.register(AuditFinding)
class AuditFindingAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "period_from", "period", "theme", "heading"]
    list_filter = ["organisation", "theme"]
    search_fields = ["heading", "text"]


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "period", "carried_out", "__str__"]
    list_filter = ["organisation", "carried_out"]


@admin.register(AnnualReview)
class AnnualReviewAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "contract_year", "source"]
    list_filter = ["organisation"]
    search_fields = ["went_well", "to_improve", "next_framework"]
