"""The permission to unlock accounts locked after failed log-ins, given to secretariat officers and
administrators. It sits on a proxy of django-axes' record of failed log-ins."""

from django.db import migrations

ROLES = ["Administrator", "Secretariat officer"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("commitments")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    unlock = Permission.objects.get(content_type__app_label="commitments", codename="unlock_account")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(unlock)


class Migration(migrations.Migration):
    dependencies = [
        ("axes", "0010_accessattemptexpiration"),
        ("commitments", "0011_status_flags_and_update_reasons"),
    ]

    operations = [
        migrations.CreateModel(
            name="LoginAttempt",
            fields=[],
            options={
                "permissions": [("unlock_account", "Can unlock accounts locked after failed log-ins")],
                "proxy": True,
                "default_permissions": (),
                "indexes": [],
                "constraints": [],
            },
            bases=("axes.accessattempt",),
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
