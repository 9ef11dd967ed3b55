from django.contrib import admin

from notifications.models import DailyRun, ReminderPreference, SentReminder


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "return_due", "return_overdue", "return_submitted", "action_overdue"]
    search_fields = ["user__username", "lead_initials"]


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "kind", "recipient", "object_key", "period"]
    list_filter = ["kind"]


@admin.register(DailyRun)
class DailyRunAdmin(admin.ModelAdmin):
    list_display = ["day", "job", "enqueued_at"]
