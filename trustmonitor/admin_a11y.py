"""The admin site as commissioners and administrators use it, accessible.

Django's tabular inline names each column only in its header, so its boxes
have no label (WCAG 1.3.1, 4.1.2): the formset names every box with its
column and row. The templates under ``templates/admin/`` and
``static/css/admin.css`` / ``static/js/admin-a11y.js`` do the rest.
"""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet


class LabelledInlineFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)  # adds DELETE and the keys
        row = "new row" if index is None else f"row {index + 1}"
        for field in form.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("aria-label", f"{field.label} ({row})")


class TabularInline(admin.TabularInline):
    formset = LabelledInlineFormSet
