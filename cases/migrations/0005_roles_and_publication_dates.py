"""The two editorial roles as groups, and a publication date for cases published before the
workflow recorded one."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import F

CONTRIBUTORS = "Contributors"
EDITORS = "Editors"

# Contributors add and edit cases, their impacts and partners; they see (but do not change)
# what those cases point to, so the admin's pickers work. No delete of cases, institutions or
# themes, no publishing.
CONTRIBUTOR_PERMISSIONS = [
    "add_innovation",
    "change_innovation",
    "view_innovation",
    "add_impact",
    "change_impact",
    "delete_impact",
    "view_impact",
    "add_collaboration",
    "change_collaboration",
    "delete_collaboration",
    "view_collaboration",
    "add_partner",
    "change_partner",
    "view_partner",
    "view_award",
    "view_institution",
    "view_institutionfact",
    "view_theme",
    "view_source",
]
# Editors: everything in the catalogue, publishing included. Who contributes for which
# institution is set with the user accounts, by an administrator.
NOT_FOR_EDITORS = {"contributor"}


def create_roles(apps, schema_editor):
    app_config = apps.get_app_config("cases")
    app_config.models_module = True  # permissions are otherwise only made after migrate
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    in_catalogue = Permission.objects.filter(content_type__app_label="cases")

    contributors, _ = Group.objects.get_or_create(name=CONTRIBUTORS)
    contributors.permissions.set(in_catalogue.filter(codename__in=CONTRIBUTOR_PERMISSIONS))
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(in_catalogue.exclude(content_type__model__in=NOT_FOR_EDITORS))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[CONTRIBUTORS, EDITORS]).delete()


def date_earlier_publications(apps, schema_editor):
    Innovation = apps.get_model("cases", "Innovation")
    Innovation.objects.filter(status="published", published_at__isnull=True).update(
        published_at=F("updated")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cases", "0004_workflow_partners_contributors"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(date_earlier_publications, migrations.RunPython.noop),
    ]
