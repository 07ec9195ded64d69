"""`manage.py backup` writes one archive of the database and every stored file; `manage.py restore`
fills an empty database and storage from it, exactly as they were."""

import hashlib
import io
import json
import shutil
import tarfile

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from commitments.backups import flush
from commitments.models import EditionFile, Evidence, UpdateTransition

from .conftest import line, make_update, own
from .test_report_content import reported
from .test_report_editions import finalise
from .test_stored_files import editor_with_a_file, files_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def content_types_forgotten():
    """A restore gives content types new ids, which the test's rollback takes back: forget them."""
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def tracked(plan_2026, period, owner, focal_point, secretariat, evidence_root):
    """Seeds, an approved update with an evidence file and its approval trail, a final edition's files."""
    reported(period, owner, focal_point, secretariat, {"1.1.1": "ongoing", "2.6.6": "completed"})
    transport = line("poa-2026-2030", "2.8.1")
    own(transport, owner)
    update = make_update(transport, period, owner, focal_point)
    editor_with_a_file(update, submit="").save(by=focal_point)
    update.approve(by=secretariat)
    finalise(plan_2026, period, secretariat)
    assert Evidence.objects.exclude(file="").exists() and EditionFile.objects.count() == 2
    assert UpdateTransition.objects.filter(update=update).count() == 2


def every_count() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def every_file(root) -> dict[str, str]:
    return {name: hashlib.sha256((root / name).read_bytes()).hexdigest() for name in files_in(root)}


def every_row() -> list:
    """The whole database as natural-key JSON, in a stable order: what a restore must give back."""
    out = io.StringIO()
    call_command("dumpdata", natural_foreign=True, natural_primary=True, exclude=["sessions"], stdout=out)
    return sorted(json.dumps(row, sort_keys=True) for row in json.loads(out.getvalue()))


def back_up(path) -> str:
    out = io.StringIO()
    call_command("backup", "-o", str(path), stdout=out)
    return out.getvalue()


def restore(path, *args) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *args, stdout=out)
    return out.getvalue()


def emptied(evidence_root) -> None:
    """As a new server is: a migrated database with nothing in it, and no file."""
    flush()
    ContentType.objects.clear_cache()
    shutil.rmtree(evidence_root)


def test_a_backup_restored_into_an_empty_database_gives_back_every_row_and_every_file(
    tracked, evidence_root, tmp_path
):
    counts, files, rows = every_count(), every_file(evidence_root), every_row()
    archive = tmp_path / "tracker.tar.gz"

    assert f"and {len(files)} files." in back_up(archive)
    emptied(evidence_root)
    assert every_count()["commitments.Plan"] == 0 and not evidence_root.exists()
    output = restore(archive)

    assert f"and {len(files)} files from" in output
    assert every_count() == counts
    assert every_file(evidence_root) == files
    assert every_row() == rows
    for file in EditionFile.objects.all():  # the restored editions serve their files again
        assert hashlib.sha256(file.read()).hexdigest() == file.sha256


def test_the_archive_lists_every_file_with_its_checksum(tracked, evidence_root, tmp_path):
    back_up(tmp_path / "tracker.tar.gz")
    with tarfile.open(tmp_path / "tracker.tar.gz") as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        names = set(archive.getnames())
    assert {entry["name"]: entry["sha256"] for entry in manifest["files"]} == every_file(evidence_root)
    assert {"manifest.json", "database.exactjson"} | {
        f"files/{name}" for name in files_in(evidence_root)
    } == names


def test_restore_refuses_a_database_that_is_not_empty(tracked, tmp_path):
    back_up(tmp_path / "tracker.tar.gz")
    counts = every_count()
    with pytest.raises(CommandError, match="The database is not empty"):
        restore(tmp_path / "tracker.tar.gz")
    assert every_count() == counts


def test_restore_refuses_a_storage_that_is_not_empty(tracked, evidence_root, tmp_path):
    back_up(tmp_path / "tracker.tar.gz")
    flush()
    with pytest.raises(CommandError, match="The file storage, the folder .* .EVIDENCE_ROOT., is not empty"):
        restore(tmp_path / "tracker.tar.gz")


def test_restore_with_force_replaces_what_the_database_holds(tracked, evidence_root, tmp_path):
    counts, rows = every_count(), every_row()
    back_up(tmp_path / "tracker.tar.gz")
    Evidence.objects.update(title_en="Changed after the backup")
    restore(tmp_path / "tracker.tar.gz", "--force")
    assert every_count() == counts and every_row() == rows


def test_a_damaged_archive_is_refused_before_anything_is_written(tracked, evidence_root, tmp_path):
    back_up(tmp_path / "tracker.tar.gz")
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(tmp_path / "tracker.tar.gz") as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("files/editions/"):
                data = b"tampered"
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    emptied(evidence_root)

    with pytest.raises(CommandError, match="The archive is damaged: .*editions/"):
        restore(damaged)
    assert every_count()["commitments.Plan"] == 0 and not evidence_root.exists()


def test_a_file_that_is_not_an_archive_is_refused(db, tmp_path):
    (tmp_path / "notes.txt").write_text("not a backup")
    with pytest.raises(CommandError, match="The archive cannot be read"):
        restore(tmp_path / "notes.txt")


def test_a_backup_says_loudly_which_files_are_missing_and_still_writes_the_rest(
    tracked, evidence_root, tmp_path
):
    [evidence] = Evidence.objects.exclude(file="")
    (evidence_root / evidence.file.name).unlink()

    with pytest.raises(
        CommandError, match=f"1 files named in the database are missing .*{evidence.file.name}"
    ):
        back_up(tmp_path / "tracker.tar.gz")
    with tarfile.open(tmp_path / "tracker.tar.gz") as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
    assert manifest["missing"] == [evidence.file.name] and len(manifest["files"]) == 2
