"""A final edition and its files cannot be changed or removed, through the ORM, in the database
(PostgreSQL) or on disk, except for its withdrawal; and an update's approval trail outlives it."""

import logging

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from commitments.models import EditionFile, ReportEdition, UpdateTransition
from commitments.models.reports import FrozenEdition, TamperedFile

from .conftest import line, make_update
from .test_report_editions import PLAN, finalise

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    # SQLite has no trigger language to refuse with; there the models' refusal is the guard.
    reason="the database's own refusal is a PL/pgSQL trigger; runs in CI's PostgreSQL pass",
)


@pytest.fixture
def edition(plan_2026, period, owner, focal_point, secretariat, evidence_root):
    from .test_report_content import reported

    reported(period, owner, focal_point, secretariat, {"1.1.1": "ongoing"})
    return finalise(plan_2026, period, secretariat)


# The ORM


def stored_content(edition) -> dict:
    return ReportEdition.objects.get(pk=edition.pk).content


def test_a_bulk_update_of_an_editions_content_is_refused(edition):
    content = stored_content(edition)
    with pytest.raises(FrozenEdition):
        ReportEdition.objects.filter(pk=edition.pk).update(content={"tampered": True})
    with pytest.raises(FrozenEdition):
        ReportEdition.objects.update(meeting="Another Summit", withdrawn_at=None)
    with pytest.raises(FrozenEdition), transaction.atomic():
        ReportEdition.objects.bulk_update([edition], ["language"])
    assert stored_content(edition) == content


def test_a_bulk_update_may_only_write_the_withdrawal(edition, administrator):
    ReportEdition.objects.filter(pk=edition.pk).update(
        withdrawal_reason="Wrong period", withdrawn_by=administrator
    )
    assert ReportEdition.objects.get(pk=edition.pk).withdrawal_reason == "Wrong period"


def test_a_bulk_delete_of_editions_or_their_files_is_refused(edition):
    with pytest.raises(FrozenEdition):
        ReportEdition.objects.filter(pk=edition.pk).delete()
    with pytest.raises(FrozenEdition):
        EditionFile.objects.filter(edition=edition).delete()
    with pytest.raises(FrozenEdition):
        EditionFile.objects.filter(edition=edition).update(sha256="0" * 64)
    assert ReportEdition.objects.filter(pk=edition.pk).exists() and edition.files.count() == 2


def test_saving_an_edition_with_other_fields_than_the_withdrawal_is_refused(edition):
    edition.language = "zh"
    with pytest.raises(FrozenEdition):
        edition.save(update_fields=["language", "withdrawal_reason"])
    assert ReportEdition.objects.get(pk=edition.pk).language == "en"


# The database


def raw(sql: str, *params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@on_postgresql
def test_postgresql_refuses_a_raw_update_or_delete_of_an_edition(edition):
    content = stored_content(edition)
    with pytest.raises(DatabaseError, match="never changed"):
        raw("UPDATE commitments_reportedition SET meeting = 'Another Summit' WHERE id = %s", edition.pk)
    with pytest.raises(DatabaseError, match="never changed"):
        raw("UPDATE commitments_reportedition SET content = '{}'::jsonb")
    with pytest.raises(DatabaseError, match="never deleted"):
        raw("DELETE FROM commitments_reportedition WHERE id = %s", edition.pk)
    assert stored_content(edition) == content


@on_postgresql
def test_postgresql_refuses_a_raw_update_or_delete_of_an_editions_file(edition):
    file = edition.file("docx")
    with pytest.raises(DatabaseError, match="never changed or deleted"):
        raw("UPDATE commitments_editionfile SET sha256 = %s WHERE id = %s", "0" * 64, file.pk)
    with pytest.raises(DatabaseError, match="never changed or deleted"):
        raw("DELETE FROM commitments_editionfile WHERE edition_id = %s", edition.pk)
    assert EditionFile.objects.get(pk=file.pk).sha256 == file.sha256


@on_postgresql
def test_postgresql_lets_an_edition_be_withdrawn_once(edition, administrator):
    raw(
        "UPDATE commitments_reportedition SET withdrawn_at = now(), withdrawn_by_id = %s, "
        "withdrawal_reason = 'Wrong period' WHERE id = %s",
        administrator.pk,
        edition.pk,
    )
    assert ReportEdition.objects.get(pk=edition.pk).is_withdrawn
    with pytest.raises(DatabaseError, match="withdrawn once"):
        raw(
            "UPDATE commitments_reportedition SET withdrawal_reason = 'Another reason' WHERE id = %s",
            edition.pk,
        )


# The files on disk


def test_a_file_changed_on_disk_is_refused_and_logged(client, edition, reader, evidence_root, caplog):
    file = edition.file("docx")
    (evidence_root / file.file.name).write_bytes(b"a different report")
    client.force_login(reader)

    with caplog.at_level(logging.ERROR, logger="commitments.editions"):
        response = client.get(reverse("commitments:edition-download", args=[edition.pk, "docx"]))

    assert response.status_code == 409
    assert "This file was not served" in response.content.decode()
    assert b"a different report" not in response.content
    [record] = [r for r in caplog.records if r.name == "commitments.editions"]
    assert record.levelname == "ERROR" and file.file.name in record.getMessage()
    assert file.sha256 in record.getMessage()


def test_an_intact_file_is_served_after_its_checksum_is_checked(client, edition, reader):
    client.force_login(reader)
    response = client.get(reverse("commitments:edition-download", args=[edition.pk, "html"]))
    assert response.status_code == 200 and response.content == edition.file("html").read()


def test_reading_a_truncated_file_raises(edition, evidence_root):
    file = edition.file("html")
    (evidence_root / file.file.name).write_bytes(b"")
    with pytest.raises(TamperedFile):
        file.read()


# The approval trail


def test_deleting_an_update_with_an_approval_trail_is_refused_and_the_trail_stays(
    period, owner, focal_point, secretariat
):
    from commitments.models import Status

    transport = line(PLAN, "2.8.1")
    update = make_update(
        transport, period, owner, focal_point, status=Status.objects.get(code="ongoing"),
        narrative_en="The working group met in Manila.",
    )  # fmt: skip
    update.submit(by=focal_point)
    update.approve(by=secretariat)

    with pytest.raises(ProtectedError):
        update.delete()
    assert list(UpdateTransition.objects.filter(update=update).values_list("to_state", flat=True)) == [
        "submitted",
        "approved",
    ]
