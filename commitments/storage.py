"""Where evidence files are kept: a private folder that no URL serves."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages


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


def evidence_storage() -> Storage:
    """The "evidence" storage of settings.STORAGES; another backend (object storage) can take its place."""
    return storages["evidence"]
