from django.db import migrations


def drop_saved_tables(apps, schema_editor):
    """A confirmed upload no longer keeps its table (it may hold personal
    data, and nothing reads it again): drop those kept so far."""
    Upload = apps.get_model("kpis", "Upload")
    Upload.objects.filter(saved_at__isnull=False).update(table=None)


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0013_review_reading_period_id"),
    ]

    operations = [
        migrations.RunPython(drop_saved_tables, migrations.RunPython.noop),
    ]
