"""Writes: what the Trust's officers (and, for the failure rule, the
commissioners) record for the Schedule 6 report. Each saves through
``full_clean`` and leaves a history row with the user (simple_history)."""

from django.db import transaction


@transaction.atomic
def record_save(*, instance, user, reason: str = ""):
    """Save a schedule6 record the form has filled in (``instance`` carries
    its organisation and month)."""
    if hasattr(instance, "entered_by_id"):
        instance.entered_by = user
    instance.full_clean()
    instance._change_reason = reason
    instance.save()
    return instance
