"""No file is left behind by a save that fails, and `cleanup_files` finds those left by a process
that was killed."""

import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import DatabaseError

from commitments.forms import UpdateEditor
from commitments.models import EditionFile, Evidence
from commitments.storage import evidence_storage

from .conftest import line, make_update, own
from .test_reporting import form_data
from .test_uploads import make_pdf

pytestmark = pytest.mark.django_db


def files_in(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.fixture
def draft(period, owner, focal_point):
    transport = line("poa-2026-2030", "2.8.1")
    own(transport, owner)
    return make_update(transport, period, owner, focal_point)


def editor_with_a_file(draft, **overrides) -> UpdateEditor:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = form_data(draft, **{"evidence-0-title_en": "Joint statement"} | overrides)
    files = {"evidence-0-upload": SimpleUploadedFile("statement.pdf", make_pdf(), "application/pdf")}
    editor = UpdateEditor(draft, data, files)
    assert editor.is_valid(), editor.evidence.errors
    return editor


def test_an_update_whose_save_fails_after_its_file_was_stored_leaves_no_file(
    draft, focal_point, evidence_root, monkeypatch
):
    editor = editor_with_a_file(draft)

    def database_gone(*args, **kwargs):
        raise DatabaseError("the database went away")

    monkeypatch.setattr(Evidence, "save", database_gone)  # after the file is written, before its row
    with pytest.raises(DatabaseError):
        editor.save(by=focal_point)

    assert files_in(evidence_root) == [] and not Evidence.objects.exists()


def test_an_update_whose_submission_is_refused_after_its_file_was_stored_leaves_no_file(
    draft, focal_point, evidence_root, monkeypatch
):
    editor = editor_with_a_file(draft, submit="")

    def refused(*args, **kwargs):
        raise DatabaseError("the submission failed")

    monkeypatch.setattr(type(draft), "submit", refused)
    with pytest.raises(DatabaseError):
        editor.save(by=focal_point)

    assert files_in(evidence_root) == []


def test_a_saved_update_keeps_its_file(draft, focal_point, evidence_root):
    editor_with_a_file(draft).save(by=focal_point)
    [evidence] = Evidence.objects.filter(update=draft)
    assert files_in(evidence_root) == [evidence.file.name]


class DiskFull(io.BytesIO):
    """A file whose writing stops halfway, as when the disk fills."""

    def chunks(self, chunk_size=None):
        yield b"%PDF-1.7 the first half"
        raise OSError(28, "No space left on device")


def test_a_write_that_fails_halfway_leaves_no_partial_file(evidence_root):
    with pytest.raises(OSError, match="No space left"):
        evidence_storage().save("evidence/statement.pdf", DiskFull())
    assert files_in(evidence_root) == []


def test_a_stored_file_never_replaces_another_of_the_same_name(evidence_root):
    first = evidence_storage().save("editions/report.docx", ContentFile(b"first"))
    second = evidence_storage().save("editions/report.docx", ContentFile(b"second"))
    assert first == "editions/report.docx" and second != first
    assert (evidence_root / first).read_bytes() == b"first"
    assert (evidence_root / second).read_bytes() == b"second"


# cleanup_files


def age(path, hours: int = 2) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


@pytest.fixture
def orphans(draft, focal_point, evidence_root):
    """One saved update with a file, and two files no row names: an old one and one being saved."""
    editor_with_a_file(draft).save(by=focal_point)
    storage = evidence_storage()
    old = storage.save("editions/poa-2026-2030-9-en.docx", ContentFile(b"killed finalise"))
    young = storage.save("evidence/in-progress.pdf", ContentFile(b"a save under way"))
    for name in files_in(evidence_root):
        if name != young:
            age(evidence_root / name)
    return old, young


def run(*args) -> str:
    out = io.StringIO()
    call_command("cleanup_files", *args, stdout=out)
    return out.getvalue()


def test_cleanup_files_lists_the_unreferenced_files_and_deletes_nothing_by_default(orphans, evidence_root):
    old, young = orphans
    output = run()
    assert f"Unreferenced: {old}" in output and young not in output
    assert "3 files stored, 1 named by a row." in output
    assert "1 unreferenced files (15 bytes); run again with --delete to delete them" in output
    assert len(files_in(evidence_root)) == 3


def test_cleanup_files_deletes_only_old_unreferenced_files_when_asked(orphans, evidence_root):
    old, young = orphans
    [evidence] = Evidence.objects.all()

    assert "Deleted 1 unreferenced files (15 bytes)" in run("--delete")
    assert files_in(evidence_root) == sorted([evidence.file.name, young])
    assert "0 unreferenced files" in run()


def test_cleanup_files_keeps_the_files_of_final_editions(
    plan_2026, period, owner, focal_point, secretariat, evidence_root
):
    from .test_report_content import reported
    from .test_report_editions import finalise

    reported(period, owner, focal_point, secretariat, {"1.1.1": "ongoing"})
    finalise(plan_2026, period, secretariat)
    for name in files_in(evidence_root):
        age(evidence_root / name)

    assert "0 unreferenced files" in run("--delete")
    assert files_in(evidence_root) == sorted(file.file.name for file in EditionFile.objects.all())


def test_cleanup_files_on_an_empty_storage_says_so(evidence_root):
    assert "0 files stored, 0 named by a row." in run()
