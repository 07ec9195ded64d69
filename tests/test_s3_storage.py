"""With S3_BUCKET set, evidence and edition files live in a private bucket (django-storages, here
against moto's S3 server on loopback), and everything the folder did still holds: no file left by a
failed save, cleanup_files, backup and restore, downloads through the permission-checked views, and
an edition's SHA-256 checked on what the bucket returns."""

import hashlib
import io
import uuid

import boto3
import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse

from commitments.backups import BackupError, flush, restore_backup
from commitments.models import EditionFile, Evidence
from commitments.storage import PrivateS3Storage, evidence_storage

from .conftest import line, make_update, own
from .test_backup import back_up, content_types_forgotten, restore, tracked  # noqa: F401 (fixtures)
from .test_report_editions import finalise
from .test_stored_files import editor_with_a_file

pytestmark = pytest.mark.django_db
KEYS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, monkeypatch, evidence_root):
    """A new private bucket, made the evidence storage (as settings.py does when S3_BUCKET is set)."""
    name = f"evidence-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id="testing", aws_secret_access_key="testing",
        region_name="us-east-1",
    )  # fmt: skip
    client.create_bucket(Bucket=name)
    storage = PrivateS3Storage(bucket_name=name, endpoint_url=s3_endpoint, **KEYS)
    # The models took their storage when they were imported; point their fields at the bucket.
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "_storage_callable", None) is evidence_storage:
                monkeypatch.setattr(field, "storage", storage)
    monkeypatch.setitem(storages._storages, "evidence", storage)
    return client, name


@pytest.fixture
def draft(period, owner, focal_point):
    transport = line("poa-2026-2030", "2.8.1")
    own(transport, owner)
    return make_update(transport, period, owner, focal_point)


def objects_in(bucket) -> dict[str, bytes]:
    client, name = bucket
    listing = client.list_objects_v2(Bucket=name).get("Contents", [])
    return {item["Key"]: client.get_object(Bucket=name, Key=item["Key"])["Body"].read() for item in listing}


def test_an_evidence_file_is_stored_in_the_bucket_and_not_on_disk(draft, focal_point, bucket, evidence_root):
    editor_with_a_file(draft).save(by=focal_point)
    [evidence] = Evidence.objects.filter(update=draft)
    assert list(objects_in(bucket)) == [evidence.file.name]
    assert objects_in(bucket)[evidence.file.name].startswith(b"%PDF")
    assert not evidence_root.exists()


def test_an_object_has_no_public_url_and_cannot_be_read_without_keys(draft, focal_point, bucket, s3_endpoint):
    editor_with_a_file(draft).save(by=focal_point)
    [evidence] = Evidence.objects.filter(update=draft)
    with pytest.raises(ValueError, match="no public URL"):
        evidence.file.url  # noqa: B018
    client, name = bucket
    grants = client.get_object_acl(Bucket=name, Key=evidence.file.name)["Grants"]
    assert [grant["Grantee"].get("URI") for grant in grants] == [None]  # the owner alone, no AllUsers
    assert evidence_storage().querystring_auth and evidence_storage().default_acl is None


def test_the_evidence_download_streams_the_object_to_a_permitted_user_only(
    draft, focal_point, bucket, client
):
    editor_with_a_file(draft).save(by=focal_point)
    [evidence] = Evidence.objects.filter(update=draft)
    url = reverse("commitments:evidence-download", args=[evidence.pk])

    client.force_login(focal_point)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")

    client.logout()
    assert client.get(url).status_code == 302  # to the log-in page


def test_a_save_that_fails_after_its_object_was_stored_leaves_no_object(
    draft, focal_point, bucket, monkeypatch
):
    editor = editor_with_a_file(draft)

    def database_gone(*args, **kwargs):
        raise DatabaseError("the database went away")

    monkeypatch.setattr(Evidence, "save", database_gone)
    with pytest.raises(DatabaseError):
        editor.save(by=focal_point)
    assert objects_in(bucket) == {}


def test_an_object_never_replaces_another_of_the_same_name(bucket):
    first = evidence_storage().save("editions/report.docx", ContentFile(b"first"))
    second = evidence_storage().save("editions/report.docx", ContentFile(b"second"))
    assert first == "editions/report.docx" and second != first
    assert objects_in(bucket) == {first: b"first", second: b"second"}


def test_cleanup_files_finds_and_deletes_unreferenced_objects(draft, focal_point, bucket):
    editor_with_a_file(draft).save(by=focal_point)
    orphan = evidence_storage().save("editions/poa-2026-2030-9-en.docx", ContentFile(b"killed finalise"))
    out = io.StringIO()
    call_command("cleanup_files", "--min-age", "0", "--delete", stdout=out)
    assert f"Deleted {orphan}" in out.getvalue() and "2 files stored, 1 named by a row." in out.getvalue()
    assert list(objects_in(bucket)) == [Evidence.objects.get().file.name]


def test_an_edition_downloads_from_the_bucket_and_is_refused_once_its_object_changed(
    plan_2026, period, secretariat, bucket, client
):
    finalise(plan_2026, period, secretariat)
    file = EditionFile.objects.get(format="docx")
    url = reverse("commitments:edition-download", args=[file.edition_id, "docx"])
    client.force_login(secretariat)
    response = client.get(url)
    assert response.status_code == 200 and hashlib.sha256(response.content).hexdigest() == file.sha256

    s3, name = bucket
    s3.put_object(Bucket=name, Key=file.file.name, Body=b"changed behind the tracker's back")
    assert client.get(url).status_code == 409


def test_a_backup_of_a_bucket_restores_into_an_empty_bucket(bucket, tracked, tmp_path):  # noqa: F811
    before = objects_in(bucket)
    assert len(before) == 3  # an evidence file and two edition files
    archive = tmp_path / "tracker.tar.gz"
    back_up(archive)

    flush()
    s3, name = bucket
    for key in before:
        s3.delete_object(Bucket=name, Key=key)
    assert objects_in(bucket) == {}
    restore(archive)

    assert objects_in(bucket) == before
    for file in EditionFile.objects.all():  # the restored editions serve their files again
        assert hashlib.sha256(file.read()).hexdigest() == file.sha256


def test_restore_refuses_a_bucket_that_is_not_empty(bucket, tracked, tmp_path):  # noqa: F811
    archive = tmp_path / "tracker.tar.gz"
    back_up(archive)
    flush()
    with pytest.raises(BackupError, match=f"the S3 bucket {bucket[1]} .S3_BUCKET., is not empty"):
        restore_backup(archive)
