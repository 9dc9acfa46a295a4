"""Similar cases weigh branch and stage as well as country: the candidates are grouped by
them too (models.SimilarCandidate). The stored candidates are grouped as before until the
next rebuild, so the catalogue version moves on and leaves the derived data behind: pages
rank every case live (the same answer, slower) until the queue's worker or `manage.py
recount` rebuilds them."""

from django.db import migrations, models


def leave_derived_data_behind(apps, schema_editor):
    version = apps.get_model("cases", "CatalogueVersion")
    version.objects.filter(pk=1).update(number=models.F("number") + 1)


class Migration(migrations.Migration):
    dependencies = [("cases", "0030_seed_translations_as_reviewed")]

    operations = [
        migrations.AddField(
            model_name="similarcandidate",
            name="branch",
            field=models.CharField(default="", max_length=20),
        ),
        migrations.AddField(
            model_name="similarcandidate",
            name="stage",
            field=models.CharField(default="", max_length=20),
        ),
        migrations.RunPython(leave_derived_data_behind, migrations.RunPython.noop),
    ]
