"""Where evidence files are kept: a private folder that no URL serves, or a private S3 bucket.

In the folder, a file is written in full under a temporary name and only then given its own, so
that a failed write (a full disk, a killed process) never leaves a truncated file under a name a
row could point to; an S3 object is stored whole or not at all. In both, ``removed_if_failed``
deletes again the files a failed transaction had stored.

Neither gives a file a URL: every download goes through a view that checks who asks, and streams
the file from the storage (the S3 bucket need not be reachable from the users' browsers, and an
edition's SHA-256 is checked on the bytes actually sent).
"""

from __future__ import annotations

import contextvars
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from storages.backends.s3 import S3Storage

# Names stored in the current ``removed_if_failed`` block (per thread and task), else None.
_stored: contextvars.ContextVar[list[tuple[Storage, str]] | None] = contextvars.ContextVar(
    "stored_files", default=None
)
PARTIAL_PREFIX = ".partial-"


def remembered(storage: Storage, name: str) -> str:
    """Note a file just stored, for the ``removed_if_failed`` block around it (if any) to delete."""
    if (stored := _stored.get()) is not None:
        stored.append((storage, name))
    return name


class PrivateFileStorage(FileSystemStorage):
    """Files under settings.EVIDENCE_ROOT, with no public URL; the download view checks who asks.

    The folder is read from the settings at each use, so a test (or a deployment) can move it.
    """

    def __init__(self, **options):
        super().__init__(base_url=None, **options)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.EVIDENCE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Evidence files have no public URL; use the download view.")

    def _save(self, name: str, content) -> str:
        """Write to a temporary file beside the target, then link it under a free name: whatever
        fails on the way, no partial file stays (a process killed mid-write leaves a
        ``.partial-`` file, which ``manage.py cleanup_files`` lists)."""
        directory = os.path.dirname(self.path(name))
        os.makedirs(directory, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=PARTIAL_PREFIX)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                for chunk in content.chunks():
                    handle.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                handle.flush()
                os.fsync(handle.fileno())
            while True:
                try:
                    os.link(temporary, self.path(name))  # refuses an existing name: nothing is overwritten
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
        finally:
            os.unlink(temporary)
        if self.file_permissions_mode is not None:
            os.chmod(self.path(name), self.file_permissions_mode)
        return remembered(self, os.path.relpath(self.path(name), self.location).replace("\\", "/"))


class PrivateS3Storage(S3Storage):
    """Files in a private S3 bucket (settings.S3_BUCKET), with no public URL either.

    Whatever the options say, objects get no ACL (the bucket's own, private, applies), are never
    overwritten (a second file of the same name gets another name, as in the folder), and have no
    URL: the download views read them and send them on.
    """

    def __init__(self, **options):
        super().__init__(
            **{**options, "default_acl": None, "file_overwrite": False, "querystring_auth": True}
        )

    def _save(self, name: str, content) -> str:
        return remembered(self, super()._save(name, content))

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Evidence files have no public URL; use the download view.")


def evidence_storage() -> Storage:
    """The "evidence" storage of settings.STORAGES; another backend (object storage) can take its place."""
    return storages["evidence"]


@contextmanager
def removed_if_failed() -> Iterator[None]:
    """Delete the files stored in the block again if the block raises.

    Wrap the transaction that stores files and the rows naming them: when it rolls back, the
    rows are gone and so must the files be (``transaction.on_commit`` never runs then).
    """
    outer, stored = _stored.get(), []
    token = _stored.set(stored)
    try:
        yield
    except BaseException:
        for storage, name in stored:
            storage.delete(name)
        raise
    finally:
        _stored.reset(token)
    if outer is not None:  # an enclosing block that fails later removes these too
        outer.extend(stored)


def stored_names(storage: Storage, directory: str = "") -> Iterator[str]:
    """Every file in the storage, folders walked, as the names rows store (none while the local
    folder does not exist yet)."""
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for file in sorted(files):
        yield f"{directory}/{file}" if directory else file
    for folder in sorted(folders):
        yield from stored_names(storage, f"{directory}/{folder}" if directory else folder)


def referenced_names(*, builds: bool = True) -> set[str]:
    """The files that rows name: every evidence file (withdrawn ones too), every edition file and,
    unless ``builds`` is false, every report draft's file (a cache the backup leaves out)."""
    from .models import EditionFile, Evidence, ReportBuild

    names = set(Evidence.objects.exclude(file="").values_list("file", flat=True)) | set(
        EditionFile.objects.values_list("file", flat=True)
    )
    if builds:
        names |= set(ReportBuild.objects.exclude(file="").values_list("file", flat=True))
    return names
