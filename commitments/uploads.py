"""Checks on evidence file uploads: type by content, size, a safe display name and a random storage name.

Browsers and users supply both the file name and the content type, so neither is trusted: the
type is recognised from the bytes, and the name's extension must then agree with it.
"""

import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
# A document legitimately unpacks to a few times its size; far more than this means a zip bomb.
MAX_EXPANSION = 20
MAX_DISPLAY_NAME = 150
HEAD_BYTES = 8

ZIP_LOCAL_HEADER = b"PK\x03\x04"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class FileType:
    kind: str
    content_type: str
    extension: str
    extensions: frozenset[str]
    description: Promise


PDF = FileType("pdf", "application/pdf", "pdf", frozenset({"pdf"}), gettext_lazy("a PDF document"))
DOCX = FileType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    frozenset({"docx"}),
    gettext_lazy("a Word document (DOCX)"),
)
XLSX = FileType(
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
    frozenset({"xlsx"}),
    gettext_lazy("an Excel workbook (XLSX)"),
)
PPTX = FileType(
    "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pptx",
    frozenset({"pptx"}),
    gettext_lazy("a PowerPoint presentation (PPTX)"),
)
ODT = FileType(
    "odt",
    ODT_MIMETYPE.decode(),
    "odt",
    frozenset({"odt"}),
    gettext_lazy("an OpenDocument text (ODT)"),
)
PNG = FileType("png", "image/png", "png", frozenset({"png"}), gettext_lazy("a PNG image"))
JPEG = FileType("jpeg", "image/jpeg", "jpg", frozenset({"jpg", "jpeg"}), gettext_lazy("a JPEG image"))

MAGIC_TYPES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
OOXML_MAIN_PARTS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX), ("ppt/presentation.xml", PPTX))


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    content_type: str
    extension: str
    display_name: str
    storage_name: str
    size: int


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Accept an allowed, non-empty, small enough file whose name agrees with its content.

    Raises ValidationError with code "empty", "too_large", "type_not_allowed",
    "suspicious_archive" or "extension_mismatch". Leaves the file positioned at its start.
    """
    limit = max_bytes()
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("This file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("This file is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={"size": human_size(size), "limit": human_size(limit)},
        )
    file_type = detect_type(upload, limit)
    if file_type is None:
        raise ValidationError(
            _(
                "Only PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), OpenDocument text (ODT), "
                "PNG and JPEG files can be uploaded."
            ),
            code="type_not_allowed",
        )
    name_extension = _extension_of(_clean(upload.name or ""))
    _check_extension(file_type, name_extension)
    return CheckedUpload(
        kind=file_type.kind,
        content_type=file_type.content_type,
        extension=file_type.extension,
        display_name=safe_display_name(upload.name or "", name_extension),
        storage_name=storage_name_for(file_type.extension),
        size=size,
    )


def validate_evidence_file(upload: UploadedFile) -> None:
    """Form field validator: raise ValidationError unless check_upload accepts the file."""
    check_upload(upload)


def max_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES)


def human_size(size: int) -> str:
    """'31.2 MB', '25 MB', '512 KB', '80 bytes': one decimal at most, none when it is zero."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def detect_type(upload: UploadedFile, limit: int) -> FileType | None:
    """The allowed type the content is, or None. Raises ValidationError for a zip bomb."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    for magic, file_type in MAGIC_TYPES:
        if head.startswith(magic):
            return file_type
    # Requiring the archive to start at byte 0 refuses self-extracting executables, whose
    # appended archive would otherwise satisfy zipfile.is_zipfile().
    if head.startswith(ZIP_LOCAL_HEADER):
        try:
            return _detect_zip_type(upload, limit)
        finally:
            upload.seek(0)
    return None


def _detect_zip_type(upload: UploadedFile, limit: int) -> FileType | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            _refuse_zip_bomb(archive, limit)
            return _office_type(archive)
    # A damaged or exotic archive is not one of the documents we accept, whatever went wrong.
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
        return None


def _refuse_zip_bomb(archive: zipfile.ZipFile, limit: int) -> None:
    # Declared sizes cost nothing to read and bound what zipfile will ever decompress.
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_EXPANSION * limit:
        raise ValidationError(
            _("This file unpacks to %(size)s, which is too large to accept."),
            code="suspicious_archive",
            params={"size": human_size(unpacked)},
        )


def _office_type(archive: zipfile.ZipFile) -> FileType | None:
    names = set(archive.namelist())
    if "mimetype" in names:
        with archive.open("mimetype") as member:
            if member.read(len(ODT_MIMETYPE) + 1) == ODT_MIMETYPE:
                return ODT
    # A macro-enabled document renamed to .docx/.xlsx/.pptx still carries its VBA project.
    if "[Content_Types].xml" not in names or any(name.endswith("vbaProject.bin") for name in names):
        return None
    for main_part, file_type in OOXML_MAIN_PARTS:
        if main_part in names:
            return file_type
    return None


def _check_extension(file_type: FileType, name_extension: str) -> None:
    if name_extension in file_type.extensions:
        return
    params = {
        "description": file_type.description,
        "extension": name_extension,
        "expected": file_type.extension,
    }
    if name_extension:
        message = _("The file's content is %(description)s, but its name ends in .%(extension)s.")
    else:
        message = _(
            "The file's content is %(description)s, but its name has no extension; add .%(expected)s."
        )
    raise ValidationError(message, code="extension_mismatch", params=params)


def safe_display_name(name: str, extension: str) -> str:
    """The user's file name, made harmless to show and to offer as a download name.

    Keeps only the last path component, drops control and format characters (NUL, the
    right-to-left override U+202E that makes 'report<U+202E>gpj.pdf' look like a .jpg), collapses
    whitespace and strips leading dots and spaces. The result always ends in '.<extension>'
    (the name's own spelling of it is kept), fits in 150 characters, and is 'file.<extension>'
    when nothing else is left.
    """
    cleaned = _clean(name)
    suffix = f".{extension}" if extension else ""
    stem = cleaned
    if suffix and cleaned.lower().endswith(suffix.lower()):
        stem, suffix = cleaned[: -len(suffix)], cleaned[-len(suffix) :]
    stem = stem.lstrip(". ")[: MAX_DISPLAY_NAME - len(suffix)].rstrip()
    return f"{stem or 'file'}{suffix}"


def storage_name_for(extension: str) -> str:
    """A random name under evidence/<year>/, so nothing the user typed reaches the file system."""
    if not extension.isascii() or not extension.isalnum():
        raise ValueError(f"Not a file extension: {extension!r}")
    return f"evidence/{timezone.localdate().year}/{uuid.uuid4().hex}.{extension.lower()}"


def _clean(name: str) -> str:
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    chars = (" " if char.isspace() else char for char in unicodedata.normalize("NFC", last))
    visible = "".join(char for char in chars if unicodedata.category(char) not in ("Cc", "Cf"))
    # Windows drops trailing dots and spaces, so 'report.pdf.' is really 'report.pdf'.
    return " ".join(visible.split()).rstrip(". ")


def _extension_of(cleaned_name: str) -> str:
    stem, dot, extension = cleaned_name.rpartition(".")
    return extension.lower() if dot else ""
