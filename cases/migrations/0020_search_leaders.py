"""The best-ranked cases of each common search term (models.SearchLeader, cases/leaders.py);
where the RUM indexes do not rank, none are kept."""

import django.db.models.deletion
from django.db import migrations, models



def choose_leaders(apps, schema_editor):
    """Left to the first rebuild after migration 0024, which finds the derived data behind
    (pages count live until then)."""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_search_ranked_by_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchLeader",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("distance", models.FloatField()),
                (
                    "innovation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="cases.innovation",
                    ),
                ),
                (
                    "term",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="leaders",
                        to="cases.searchterm",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["term", "distance", "innovation"], name="searchleader_order"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("term", "innovation"), name="searchleader_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(choose_leaders, migrations.RunPython.noop),
    ]
