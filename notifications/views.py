from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from notifications import selectors, services
from notifications.forms import ReminderPreferenceForm


@login_required
@require_http_methods(["GET", "POST"])
def reminder_preferences(request):
    """Each person's own settings: which reminders they are emailed."""
    kinds = selectors.kinds_for(request.user)
    current = selectors.preference(request.user)
    form = ReminderPreferenceForm(request.POST or None, instance=current, kinds=kinds)
    if request.method == "POST" and kinds and form.is_valid():
        services.preference_save(
            user=request.user,
            kinds={kind: form.cleaned_data[kind] for kind in kinds},
            lead_initials=form.cleaned_data.get("lead_initials"),
        )
        messages.success(request, "Your reminder settings are saved.")
        return redirect("reminder_preferences")
    if request.method == "POST" and not kinds:
        return redirect("reminder_preferences")  # nothing this account can choose
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "kinds": kinds, "title": "Email reminders"},
    )
