"""A case's links are part of the case: editors do everything with them, and contributors
add, change and delete them as they do impacts (within the rule of rights.py, applied to the
case they belong to)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ["add", "change", "delete", "view"]
ACTIONS = {"Editors": ALL, "Contributors": ALL}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("cases")
    app_config.models_module = True  # permissions are otherwise only made after migrate
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in ACTIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            codenames = [f"{action}_caselink" for action in actions]
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="cases", codename__in=codenames)
            )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ACTIONS):
        group.permissions.remove(*Permission.objects.filter(codename__endswith="_caselink"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_members_regions_and_richer_cases")]

    operations = [migrations.RunPython(grant, revoke)]
