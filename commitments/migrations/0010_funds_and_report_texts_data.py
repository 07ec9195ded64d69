"""The funds the plan names (sections 2.1.4, 2.8.4 and 6.1), Chinese activity and evidence titles
moved to their own fields, and the secretariat's permission to edit the report's texts."""

import re

from django.db import migrations

CHINESE = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")

# acronym, English, Chinese, as the 2026–2030 plan names them in each language.
FUNDS = [
    ("ACCF", "ASEAN–China Cooperation Fund", "中国—东盟合作基金"),
    ("ACMCF", "ASEAN–China Maritime Cooperation Fund", "中国—东盟海上合作基金"),
    ("CAF-II", "China–ASEAN Investment Cooperation Fund II", "中国—东盟投资合作基金二期"),
    ("CGIF", "Credit Guarantee and Investment Facility", "区域信用担保与投资基金"),
    ("LMC-SF", "Lancang–Mekong Cooperation Special Fund", "澜湄合作专项基金"),
    ("OTHER", "Other funding", "其他资金"),
]
TEXT_MODELS = ["reporttext", "historicalreporttext"]
ROLES = {
    "Administrator": None,
    "Secretariat officer": ["view_reporttext", "add_reporttext", "change_reporttext"],
    "Focal point": ["view_reporttext"],
    "Reviewer": ["view_reporttext"],
}


def is_chinese(text: str) -> bool:
    return bool(CHINESE.search(text)) and not LATIN.search(text)


def move_chinese(apps, schema_editor):
    # The history too: the progress report reads activities as they stood at a period's cut-off.
    models = [
        ("Activity", ["title", "place"]), ("HistoricalActivity", ["title", "place"]),
        ("Evidence", ["title"]), ("HistoricalEvidence", ["title"]),
    ]  # fmt: skip
    for model, fields in models:
        for obj in apps.get_model("commitments", model).objects.all():
            changed = []
            for field in fields:
                value = getattr(obj, f"{field}_en")
                if is_chinese(value):
                    setattr(obj, f"{field}_zh", value)
                    setattr(obj, f"{field}_en", "")
                    changed += [f"{field}_en", f"{field}_zh"]
            if changed:
                obj.save(update_fields=changed)


def add_funds(apps, schema_editor):
    Fund = apps.get_model("commitments", "Fund")
    for order, (acronym, name_en, name_zh) in enumerate(FUNDS):
        Fund.objects.get_or_create(
            acronym=acronym, defaults={"name_en": name_en, "name_zh": name_zh, "order": order}
        )


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("commitments")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    texts = Permission.objects.filter(
        content_type__app_label="commitments", content_type__model__in=TEXT_MODELS
    )
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*(texts if codenames is None else texts.filter(codename__in=codenames)))


class Migration(migrations.Migration):
    dependencies = [("commitments", "0009_report_texts_funds_and_summit")]

    operations = [
        migrations.RunPython(move_chinese, migrations.RunPython.noop),
        migrations.RunPython(add_funds, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
