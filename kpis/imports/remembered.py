"""The column roles confirmed for an organisation's own sheet, remembered
for its next file with the same headings (kpis.models.ImportMapping)."""

from django.utils import timezone

from kpis.imports.mapping import Mapping
from kpis.models import ImportMapping, Organisation


def remembered_choices(*, organisation: Organisation, signature: str) -> list[dict] | None:
    stored = ImportMapping.objects.filter(organisation=organisation, signature=signature).first()
    return stored.columns if stored is not None else None


def import_mapping_remember(*, organisation: Organisation, mapping: Mapping, user) -> ImportMapping:
    """Remember ``mapping`` for the organisation's files with its headings."""
    remembered, _ = ImportMapping.objects.update_or_create(
        organisation=organisation,
        signature=mapping.signature,
        defaults={
            "columns": mapping.choices(),
            "confirmed_by": user,
            "confirmed_at": timezone.now(),
        },
    )
    return remembered
