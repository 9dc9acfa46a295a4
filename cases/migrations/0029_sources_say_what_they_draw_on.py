"""A source says what it draws on (`context`, translated) instead of where it was presented:
the seed's article is the ISSA's, on experiences presented at the World Social Security Forum,
not itself presented there (issue 38). The article's record is set right where it still reads
as the seed wrote it; any other source's event becomes the sentence "Presented at …". The seed
gave the design-thinking case a year the article does not give: it goes.

SQLite adds a column by making the table anew, without its triggers: the sources' version
triggers (migrations 0022 and 0024) are made again after the columns come and after they go."""

from importlib import import_module

from django.db import migrations, models

versions = import_module("cases.migrations.0024_derived_data_know_their_version")

SEED_FORUM = "the World Social Security Forum (WSSF), Marrakech, Morocco, 24–28 October 2022"
ARTICLE = {
    "publisher": "International Social Security Association (ISSA)",
    "context": "On experiences presented at the World Social Security Forum (WSSF), Marrakech, "
    "Morocco, 24–28 October 2022.",
    "context_fr": "Sur des expériences présentées au Forum mondial de la sécurité sociale (FMSS), "
    "Marrakech (Maroc), du 24 au 28 octobre 2022.",
    "context_es": "Sobre experiencias presentadas en el Foro Mundial de la Seguridad Social "
    "(FMSS), Marrakech (Marruecos), del 24 al 28 de octubre de 2022.",
    "context_de": "Zu Erfahrungen, die auf dem Weltforum für soziale Sicherheit (WSSF) in "
    "Marrakesch (Marokko) vom 24. bis 28. Oktober 2022 vorgestellt wurden.",
}


def say_what_sources_draw_on(apps, schema_editor):
    Source = apps.get_model("cases", "Source")
    Source.objects.filter(slug="innovation-through-collaboration", context=SEED_FORUM).update(
        **ARTICLE
    )
    for source in Source.objects.exclude(context="").exclude(context__in=ARTICLE.values()):
        source.context = f"Presented at {source.context.rstrip('.')}."[:200]
        source.save(update_fields=["context"])
    Innovation = apps.get_model("cases", "Innovation")
    Innovation.objects.filter(slug="design-thinking", year_started=2022).update(year_started=None)


def version_triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        set_clause = f"number = number + 1, {versions.IN_STEP}"
        for write in versions.WRITES:
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {versions.trigger_name('cases_source', write)}"
            )
            schema_editor.execute(versions.sqlite_trigger("cases_source", write, set_clause))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0028_theme_bits_kept_by_the_database"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, version_triggers_again),
        migrations.RenameField(model_name="source", old_name="presented_at", new_name="context"),
        migrations.AlterField(
            model_name="source",
            name="context",
            field=models.CharField(
                blank=True,
                help_text="What the work draws on, in words true to it, as a sentence, e.g. “On experiences presented at the World Social Security Forum, Marrakech, 24–28 October 2022.”",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="context_de",
            field=models.CharField(
                blank=True, default="", max_length=200, verbose_name="context (German)"
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="context_en",
            field=models.CharField(
                blank=True, default="", max_length=200, verbose_name="context (English)"
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="context_es",
            field=models.CharField(
                blank=True, default="", max_length=200, verbose_name="context (Spanish)"
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="context_fr",
            field=models.CharField(
                blank=True, default="", max_length=200, verbose_name="context (French)"
            ),
        ),
        migrations.RunPython(version_triggers_again, migrations.RunPython.noop),
        migrations.RunPython(say_what_sources_draw_on, migrations.RunPython.noop),
    ]
