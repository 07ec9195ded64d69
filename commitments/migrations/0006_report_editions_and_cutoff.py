"""The data cut-off of a reporting period, and finalised editions of the progress report.

Secretariat officers may finalise a report; every role reads the editions; administrators get
every permission on them, as they have on the rest of the app.
"""

import commitments.models.reports
import commitments.storage
import django.core.serializers.json
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


EDITION_MODELS = ["reportedition", "editionfile", "historicalreportedition"]
ROLES = {
    "Administrator": None,
    "Secretariat officer": ["view_reportedition", "view_editionfile", "add_reportedition"],
    "Focal point": ["view_reportedition", "view_editionfile"],
    "Reviewer": ["view_reportedition", "view_editionfile"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("commitments")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editions = Permission.objects.filter(
        content_type__app_label="commitments", content_type__model__in=EDITION_MODELS
    )
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *(editions if codenames is None else editions.filter(codename__in=codenames))
            )


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0005_spreadsheet_uploads"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="reportingperiod",
            name="cutoff_on",
            field=models.DateField(
                blank=True,
                help_text="The progress report shows what was approved and confirmed by the end of this day. Empty: the end of the period once it has ended.",
                null=True,
                verbose_name="data cut-off",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalReportEdition",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "language",
                    models.CharField(
                        choices=[("en", "English"), ("zh", "Chinese")], max_length=2, verbose_name="language"
                    ),
                ),
                (
                    "meeting",
                    models.CharField(
                        blank=True,
                        help_text="For example PMC 10+1 Session, July 2027.",
                        max_length=200,
                        verbose_name="meeting",
                    ),
                ),
                ("as_of", models.DateTimeField(verbose_name="data as of")),
                (
                    "content",
                    models.JSONField(
                        editable=False,
                        encoder=django.core.serializers.json.DjangoJSONEncoder,
                        verbose_name="content",
                    ),
                ),
                (
                    "finalised_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="finalised at"),
                ),
                ("withdrawn_at", models.DateTimeField(blank=True, null=True, verbose_name="withdrawn at")),
                ("withdrawal_reason", models.TextField(blank=True, verbose_name="reason for withdrawal")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "finalised_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="finalised by",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "period",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="commitments.reportingperiod",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="commitments.plan",
                    ),
                ),
                (
                    "withdrawn_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="withdrawn by",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical report edition",
                "verbose_name_plural": "historical report editions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ReportEdition",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        choices=[("en", "English"), ("zh", "Chinese")], max_length=2, verbose_name="language"
                    ),
                ),
                (
                    "meeting",
                    models.CharField(
                        blank=True,
                        help_text="For example PMC 10+1 Session, July 2027.",
                        max_length=200,
                        verbose_name="meeting",
                    ),
                ),
                ("as_of", models.DateTimeField(verbose_name="data as of")),
                (
                    "content",
                    models.JSONField(
                        editable=False,
                        encoder=django.core.serializers.json.DjangoJSONEncoder,
                        verbose_name="content",
                    ),
                ),
                (
                    "finalised_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="finalised at"),
                ),
                ("withdrawn_at", models.DateTimeField(blank=True, null=True, verbose_name="withdrawn at")),
                ("withdrawal_reason", models.TextField(blank=True, verbose_name="reason for withdrawal")),
                (
                    "finalised_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="finalised by",
                    ),
                ),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="report_editions",
                        to="commitments.reportingperiod",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="report_editions",
                        to="commitments.plan",
                    ),
                ),
                (
                    "withdrawn_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="withdrawn by",
                    ),
                ),
            ],
            options={
                "verbose_name": "report edition",
                "verbose_name_plural": "report editions",
                "ordering": ["-finalised_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="EditionFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "format",
                    models.CharField(
                        choices=[
                            ("docx", "Word (DOCX)"),
                            ("html", "Web page (HTML)"),
                            ("xlsx", "Spreadsheet (XLSX)"),
                        ],
                        max_length=10,
                        verbose_name="format",
                    ),
                ),
                (
                    "file",
                    models.FileField(
                        max_length=200,
                        storage=commitments.storage.evidence_storage,
                        upload_to=commitments.models.reports.edition_file_name,
                        verbose_name="file",
                    ),
                ),
                ("size", models.PositiveBigIntegerField(verbose_name="size")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                (
                    "edition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="files",
                        to="commitments.reportedition",
                    ),
                ),
            ],
            options={
                "verbose_name": "edition file",
                "verbose_name_plural": "edition files",
                "ordering": ["edition", "format"],
                "constraints": [
                    models.UniqueConstraint(fields=("edition", "format"), name="one_file_per_edition_format")
                ],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
