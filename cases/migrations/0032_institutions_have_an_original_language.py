"""Each institution says the language its name and texts were written in, as a case does: an
institution written in French is not "not yet translated" on the French pages.

The column is added with ALTER TABLE on both databases: Django's SQLite schema editor would
make the table anew to add a column with a default, and drop the triggers the database keeps
on it (its cases' copy of its position, 0023; the catalogue version, 0022 and 0024)."""

from django.conf import settings
from django.db import migrations, models

ADD = (
    "ALTER TABLE cases_institution ADD COLUMN original_language varchar(5) NOT NULL "
    f"DEFAULT '{settings.LANGUAGE_CODE}'"
)
DROP = "ALTER TABLE cases_institution DROP COLUMN original_language"


class Migration(migrations.Migration):
    dependencies = [("cases", "0031_similar_cases_weigh_branch_and_stage")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD, DROP)],
            state_operations=[
                migrations.AddField(
                    model_name="institution",
                    name="original_language",
                    field=models.CharField(
                        choices=settings.LANGUAGES,
                        default=settings.LANGUAGE_CODE,
                        help_text=(
                            "The language its name and texts were written in; translations "
                            "are made from it."
                        ),
                        max_length=5,
                        verbose_name="language of the text",
                    ),
                ),
            ],
        ),
    ]
