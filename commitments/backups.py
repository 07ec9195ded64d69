"""One archive holds everything the tracker keeps: the database and every stored file.

The database is written with Django's ``dumpdata`` (all apps, natural keys, as JSON) rather than
``pg_dump``: it reads and loads the same on SQLite and PostgreSQL, so a backup moves between them,
and the test suite can restore one and compare it row for row. It is read in one transaction
(on PostgreSQL a repeatable-read snapshot), so a backup taken while people work is consistent.
Every evidence and edition file goes with it, and the manifest gives each one's SHA-256; a restore
checks them all before it writes anything. For a database of many gigabytes, a ``pg_dump`` next to
this archive is faster to restore, but this archive is the one that holds the files too.

Layout of the .tar.gz: ``manifest.json``, ``database.exactjson`` (JSON) and ``files/<storage name>``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files import File
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Plan
from .storage import evidence_storage, referenced_names, removed_if_failed, stored_names

FORMAT = 1
# Django's JSON, with times to the microsecond (commitments/exactjson.py).
DATABASE_FORMAT = "exactjson"
DATABASE_FILE = f"database.{DATABASE_FORMAT}"
# Sessions are not worth keeping: restored, everyone signs in again. Nor are report drafts (a
# cache, generated again on request) and the task queue (work of the server that was lost).
NOT_BACKED_UP = ["sessions", "django_tasks_database", "commitments.ReportBuild"]


class BackupError(Exception):
    """The archive cannot be written or restored; the message says why, for the command's user."""


@dataclass
class Summary:
    objects: int
    files: int
    missing: list[str]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def write_backup(path: Path) -> Summary:
    """Write the archive to ``path`` (replaced only once it is complete)."""
    serializers.register_serializer(DATABASE_FORMAT, "commitments.exactjson")
    path = Path(path)
    storage = evidence_storage()
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    try:
        outer = connection.in_atomic_block  # (a test's transaction: already one snapshot)
        with transaction.atomic():
            if connection.vendor == "postgresql" and not outer:
                # One snapshot for every table, and for the list of files that rows name.
                connection.cursor().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            database = io.StringIO()
            call_command(
                "dumpdata", natural_foreign=True, natural_primary=True, use_base_manager=True,
                exclude=NOT_BACKED_UP, format=DATABASE_FORMAT, stdout=database, verbosity=0,
            )  # fmt: skip
            names = sorted(referenced_names(builds=False))
            migrations = applied_migrations()
        data = database.getvalue().encode()
        entries, missing = [], []
        with tarfile.open(partial, "w:gz") as archive:
            add(archive, DATABASE_FILE, data)
            for name in names:
                if not storage.exists(name):
                    missing.append(name)
                    continue
                with storage.open(name, "rb") as file:
                    content = file.read()
                add(archive, f"files/{name}", content)
                entries.append({"name": name, "size": len(content), "sha256": sha256(content)})
            manifest = {
                "format": FORMAT, "created_at": timezone.now().isoformat(), "database": sha256(data),
                "migrations": migrations, "files": entries, "missing": missing,
            }  # fmt: skip
            add(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return Summary(objects=len(json.loads(data)), files=len(entries), missing=missing)


def add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))


def read_archive(path: Path) -> tuple[dict, bytes]:
    """The manifest and the database, after checking the database and every file (read one at a
    time) against the manifest's SHA-256."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = {member.name: member for member in archive.getmembers() if member.isfile()}

            def read(name: str) -> bytes:
                if name not in members:
                    raise BackupError(_("The archive has no %(name)s.") % {"name": name})
                return archive.extractfile(members[name]).read()

            manifest = json.loads(read("manifest.json"))
            if manifest.get("format") != FORMAT:
                raise BackupError(_("This archive is not a tracker backup of a format this version reads."))
            database = read(DATABASE_FILE)
            damaged = [DATABASE_FILE] if sha256(database) != manifest["database"] else []
            damaged += [
                entry["name"]
                for entry in manifest["files"]
                if sha256(read(f"files/{entry['name']}")) != entry["sha256"]
            ]
    except (OSError, tarfile.TarError, json.JSONDecodeError, KeyError, EOFError) as error:
        raise BackupError(_("The archive cannot be read: %(error)s") % {"error": error}) from error
    if damaged:
        raise BackupError(
            _("The archive is damaged: these do not match their SHA-256: %(names)s")
            % {"names": ", ".join(damaged)}
        )
    return manifest, database


def flush() -> None:
    """Empty every table (Django's ``flush``: the content types and permissions come back)."""
    if connection.vendor == "postgresql":
        # Checks deferred to the end of a transaction already under way would make PostgreSQL
        # refuse to TRUNCATE the tables they concern: run them now.
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        connection.cursor().execute("SET CONSTRAINTS ALL DEFERRED")


def is_empty() -> bool:
    """A database migrated but never used: no user account and no plan."""
    return not get_user_model().objects.exists() and not Plan.objects.exists()


def restore_backup(path: Path, *, force: bool = False) -> Summary:
    """Fill an empty database and an empty file storage from the archive at ``path``.

    Everything is checked before anything is written: the archive's checksums, the migrations
    (the database must be at those the backup was made at), and that the database and storage
    are empty (``force`` replaces what they hold). The database is written in one transaction.
    """
    manifest, database = read_archive(Path(path))
    serializers.register_serializer(DATABASE_FORMAT, "commitments.exactjson")
    if manifest["migrations"] != applied_migrations():
        raise BackupError(
            _(
                "The backup was made at other migrations than this database has. Install the version "
                "of the tracker the backup was made with and run migrate on an empty database first."
            )
        )
    storage = evidence_storage()
    stored = list(stored_names(storage))
    if not force and not is_empty():
        raise BackupError(
            _("The database is not empty (it has users or plans); restore into a new, migrated database.")
        )
    if not force and stored:
        raise BackupError(
            _("The file storage, %(where)s, is not empty: %(count)d files. Restore into an empty one.")
            % {"where": storage_place(storage), "count": len(stored)}
        )
    with (
        tempfile.NamedTemporaryFile("wb", suffix=f".{DATABASE_FORMAT}") as fixture,
        tarfile.open(path, "r:gz") as archive,
        removed_if_failed(),
        transaction.atomic(),
    ):
        fixture.write(database)
        fixture.flush()
        flush()
        call_command("loaddata", fixture.name, verbosity=0)
        ContentType.objects.clear_cache()
        for entry in manifest["files"]:
            name = entry["name"]
            if storage.exists(name):  # only with force
                storage.delete(name)
            if storage.save(name, File(archive.extractfile(f"files/{name}"))) != name:
                raise BackupError(_("The file %(name)s could not be stored under its name.") % {"name": name})
    return Summary(
        objects=len(json.loads(database)), files=len(manifest["files"]), missing=manifest["missing"]
    )


def storage_place(storage) -> str:
    """Where the evidence files are, as an operator names it: the S3 bucket, or the folder."""
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        return _("the S3 bucket %(bucket)s (S3_BUCKET)") % {"bucket": bucket}
    return _("the folder %(folder)s (EVIDENCE_ROOT)") % {"folder": storage.location}
