"""Uploaded files are kept up to the size limit and no further.

Django's own upload handlers store a whole file, in memory or on disk, before any form sees it:
a 300 MB upload was written out in full only to be refused for its size. This handler, the only
one in settings.FILE_UPLOAD_HANDLERS, keeps each file itself and stops keeping it as soon as it
passes settings.EVIDENCE_MAX_BYTES, or as soon as the files of one request together pass
settings.UPLOAD_MAX_REQUEST_BYTES. What it had kept is thrown away and the form receives a
``TooLargeUpload`` in its place, which ``uploads.check_size`` refuses with a clear message.

The rest of the request is still read, because the browser waits for the answer, but nothing of
it is kept; the form's other fields arrive as usual, so nothing the user typed is lost.
(Non-file fields stay bounded by Django's DATA_UPLOAD_MAX_MEMORY_SIZE.)
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers

from .uploads import TooLargeUpload, max_bytes


def max_request_bytes() -> int:
    """All the files of one request together: four evidence files at the largest, by default."""
    return getattr(settings, "UPLOAD_MAX_REQUEST_BYTES", 4 * max_bytes())


class SizeLimitedUploadHandler(FileUploadHandler):
    """Keeps every uploaded file (small requests in memory, others in a temporary file, as Django
    does) until it passes the limit, then drops it and hands on a ``TooLargeUpload``."""

    def __init__(self, request=None):
        super().__init__(request)
        self.file_limit = max_bytes()
        self.request_limit = max_request_bytes()
        self.in_memory = False
        self.kept_in_request = 0  # bytes of every file of the request kept so far
        self.kept = 0  # bytes of the current file kept so far
        self.refusal: TooLargeUpload | None = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.in_memory = content_length <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.kept = 0
        self.refusal = None
        if self.in_memory:
            self.file = io.BytesIO()
        else:
            self.file = TemporaryUploadedFile(
                self.file_name, self.content_type, 0, self.charset, self.content_type_extra
            )
        # This handler keeps the file: Django's default handlers must not store a copy.
        raise StopFutureHandlers

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.refusal is None:
            if start + len(raw_data) > self.file_limit:
                self._refuse(self.file_limit, per_request=False)
            elif self.kept_in_request + len(raw_data) > self.request_limit:
                self._refuse(self.request_limit, per_request=True)
            else:
                self.file.write(raw_data)
                self.kept += len(raw_data)
                self.kept_in_request += len(raw_data)
        return None  # no later handler sees the data

    def _refuse(self, limit: int, *, per_request: bool) -> None:
        self.refusal = TooLargeUpload(self.file_name, self.content_type, limit=limit, per_request=per_request)
        self.kept_in_request -= self.kept
        self.file.close()  # a temporary file is deleted on closing

    def file_complete(self, file_size: int) -> UploadedFile:
        if self.refusal is not None:
            return self.refusal
        self.file.seek(0)
        if self.in_memory:
            return InMemoryUploadedFile(
                self.file, self.field_name, self.file_name, self.content_type, file_size,
                self.charset, self.content_type_extra,
            )  # fmt: skip
        self.file.size = file_size
        return self.file
