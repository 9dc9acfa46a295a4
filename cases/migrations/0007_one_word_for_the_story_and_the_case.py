"""One word for each thing, in code and on screen: a case's long text is its "story" (it was
the field `body`, shown as "narrative", "story" and "What they did"), and the admin calls an
innovation a "case", as every public page does."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_limits_cache_table")]

    operations = [
        migrations.RenameField(model_name="innovation", old_name="body", new_name="story"),
        migrations.AlterField(
            model_name="innovation",
            name="story",
            field=models.TextField(
                blank=True,
                help_text="The whole story of the case: what the institution did, how and with "
                "whom.",
            ),
        ),
        migrations.AlterModelOptions(
            name="innovation",
            options={
                "ordering": ["position", "title"],
                "permissions": [("publish_innovation", "Can publish and withdraw innovations")],
                "verbose_name": "case",
            },
        ),
    ]
