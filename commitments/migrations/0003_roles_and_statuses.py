"""The four roles as groups with their permissions, and the default status vocabulary."""

from django.db import migrations

VIEW_ALL = [
    "view_plan", "view_part", "view_area", "view_actionline", "view_organisation", "view_ownership",
    "view_reportingperiod", "view_status", "view_statusupdate", "view_updatetransition",
    "view_activity", "view_evidence", "view_periodstatus",
]  # fmt: skip

ROLES = {
    "Administrator": None,  # every permission of the app
    "Secretariat officer": VIEW_ALL
    + [
        "add_ownership", "change_ownership", "add_reportingperiod", "change_reportingperiod",
        "change_actionline", "change_part", "change_area", "review_statusupdate",
        "add_periodstatus", "change_periodstatus",
    ],
    "Focal point": VIEW_ALL
    + ["add_statusupdate", "change_statusupdate", "add_activity", "change_activity", "add_evidence", "change_evidence"],
    "Reviewer": VIEW_ALL,
}  # fmt: skip

STATUSES = [
    # code, English, Chinese, colour, order, counts as implemented
    ("not-started", "Not started", "尚未启动", "#9aa5b1", 10, False),
    ("planned", "Planned", "已规划", "#5b8def", 20, False),
    ("ongoing", "Ongoing", "正在实施", "#f0a202", 30, True),
    ("completed", "Completed", "已完成", "#2e9e5b", 40, True),
    ("delayed", "Delayed", "延迟", "#d1495b", 50, False),
    ("discontinued", "Discontinued", "已终止", "#6c757d", 60, False),
]


def create(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("commitments")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_permissions = Permission.objects.filter(content_type__app_label="commitments")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        chosen = app_permissions if codenames is None else app_permissions.filter(codename__in=codenames)
        group.permissions.add(*chosen)
    Status = apps.get_model("commitments", "Status")
    for code, label_en, label_zh, colour, order, implemented in STATUSES:
        Status.objects.get_or_create(
            code=code,
            defaults={
                "label_en": label_en, "label_zh": label_zh, "colour": colour,
                "order": order, "counts_as_implemented": implemented,
            },
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("commitments", "0002_tracking"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
