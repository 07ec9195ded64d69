"""Checks on evidence file uploads: type by content, size, a safe display name and a random storage name.

Browsers and users supply both the file name and the content type, so neither is trusted: the
type is recognised from the bytes, and the name's extension must then agree with it. A file of an
allowed type is still refused when it carries something that can act on the reader's computer:
JavaScript or launch actions in a PDF, macros, OLE objects or remote templates in an Office
document, or web page code hidden in a PDF or an image (a "polyglot" a browser could run).
"""

import io
import re
import unicodedata
import uuid
import zipfile
import zlib
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
# Relationship files are a few kilobytes; a larger one could hide a remote link past what is read.
MAX_RELS_BYTES = 1024 * 1024
# Decompressing a PDF's object streams to look inside them, at most this much in all.
MAX_PDF_INFLATED = 100 * 1024 * 1024

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


class TooLargeUpload(UploadedFile):
    """A file the upload handler (``upload_limits``) stopped keeping at ``limit``: a name, no content.

    ``per_request`` when it was the request's files together, not this one, that passed the limit.
    """

    def __init__(self, name: str, content_type: str, *, limit: int, per_request: bool):
        super().__init__(io.BytesIO(), name, content_type, size=limit + 1)
        self.limit, self.per_request = limit, per_request


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
    "suspicious_archive", "risky_content" or "extension_mismatch". Leaves the file positioned at
    its start.
    """
    limit = max_bytes()
    check_size(upload, limit)
    size = upload.size
    file_type = detect_type(upload, limit)
    if file_type is None:
        raise ValidationError(
            _(
                "Only PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), OpenDocument text (ODT), "
                "PNG and JPEG files can be uploaded."
            ),
            code="type_not_allowed",
        )
    refuse_risky_content(upload, file_type)
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


def check_size(upload: UploadedFile, limit: int) -> None:
    """Refuse an empty file, or one larger than ``limit`` bytes, with what the user can do about it."""
    if isinstance(upload, TooLargeUpload) and upload.per_request:
        raise ValidationError(
            _("The files sent together are larger than %(limit)s; send fewer at a time."),
            code="too_large",
            params={"limit": human_size(upload.limit)},
        )
    if isinstance(upload, TooLargeUpload):
        # Its real size is unknown: the upload handler stopped reading it at the limit.
        raise ValidationError(
            _("The file is larger than %(limit)s."), code="too_large", params={"limit": human_size(limit)}
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("This file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("This file is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={"size": human_size(size), "limit": human_size(limit)},
        )


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
            _refuse_active_parts(archive)
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
    if "[Content_Types].xml" not in names:
        return None
    for main_part, file_type in OOXML_MAIN_PARTS:
        if main_part in names:
            return file_type
    return None


# Active content: what can act on the reader's computer when the file is opened

MACROS = gettext_lazy(
    "This document contains macros, which can run programs on the reader's computer. "
    "Save it as a document without macros and upload that."
)
EMBEDDED_OBJECT = gettext_lazy(
    "This document contains an embedded object or control (OLE or ActiveX), which can run programs "
    "on the reader's computer. Remove it, or save the document as PDF, and upload that."
)
REMOTE_LINK = gettext_lazy(
    "This document fetches something from another address when it is opened (a remote template or "
    "a linked object). Remove the link, or save the document as PDF, and upload that."
)
PDF_SCRIPT = gettext_lazy(
    "This PDF contains JavaScript, which runs when the file is opened. Print it to a new PDF and upload that."
)
PDF_LAUNCH = gettext_lazy(
    "This PDF contains a command that starts another program. Print it to a new PDF and upload that."
)
PDF_ATTACHMENT = gettext_lazy(
    "This PDF has other files attached inside it. Print it to a new PDF and upload that, "
    "and any attached file on its own."
)
PDF_AUTOMATIC = gettext_lazy(
    "This PDF runs actions by itself when it is opened or read. Print it to a new PDF and upload that."
)
PDF_UNREADABLE = gettext_lazy(
    "This PDF is encrypted or packed in a way that cannot be checked. Print it to a new PDF and upload that."
)
POLYGLOT = gettext_lazy(
    "This file is %(description)s but also contains web page code (HTML or SVG), which a browser "
    "could run. Save it again from the program that made it and upload that."
)

# PDF names (the keys of its dictionaries) that make a reader run something.
PDF_RISKS = {
    b"JavaScript": PDF_SCRIPT, b"JS": PDF_SCRIPT, b"XFA": PDF_SCRIPT,  # XFA forms run scripts
    b"Launch": PDF_LAUNCH,
    b"EmbeddedFile": PDF_ATTACHMENT, b"EmbeddedFiles": PDF_ATTACHMENT,
    b"AA": PDF_AUTOMATIC,  # "additional actions", on opening a page or focusing a field
}  # fmt: skip
PDF_DELIMITERS = rb"\x00\t\n\x0c\r /<>\[\]()%{}"
# The start of tags that make a browser treat bytes as a web page, wherever it finds them.
HTML_MARKERS = re.compile(
    rb"<(?:!doctype\s+html|(?:html|head|body|script|svg|iframe|object|embed|title|style|meta|plaintext)[\s/>])",
    re.IGNORECASE,
)
OLE_PARTS = re.compile(r"(?:^|/)(?:embeddings/oleObject[^/]*\.bin|activeX/[^/]*)$", re.IGNORECASE)
# OpenDocument keeps its macros in these folders.
ODF_MACROS = ("Basic/", "Scripts/")
RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")


def refuse_risky_content(upload: UploadedFile, file_type: FileType) -> None:
    """Raise ValidationError (code "risky_content") when a PDF or an image carries active content.

    Office documents are checked while their type is detected (``_refuse_active_parts``).
    """
    if file_type not in (PDF, PNG, JPEG):
        return
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if HTML_MARKERS.search(data):
        raise ValidationError(POLYGLOT, code="risky_content", params={"description": file_type.description})
    if file_type == PDF:
        _refuse_pdf_actions(data)


def _pdf_names(names) -> re.Pattern:
    """A pattern for the PDF names ``/Name``, also when spelled with #xx escapes (``/J#61vaScript``)."""

    def spelled(name: bytes) -> bytes:
        chars = []
        for char in name:
            escape = b"".join(b"[%s%s]" % (d.upper().encode(), d.lower().encode()) for d in f"{char:02x}")
            chars.append(b"(?:%s|#%s)" % (re.escape(bytes([char])), escape))
        return b"".join(chars)

    alternatives = b"|".join(spelled(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rb"/(%s)(?![^%s])" % (alternatives, PDF_DELIMITERS))


PDF_RISKY_NAMES = _pdf_names(PDF_RISKS)
# Compressed stream data is random bytes, in which "/JS " turns up by chance in one large PDF out of
# a few: inside streams, only names long enough never to occur by chance are looked for. (A script
# action always names its type, /S /JavaScript, so it is found there too.)
PDF_LONG_RISKY_NAMES = _pdf_names([name for name in PDF_RISKS if len(name) >= 6])
PDF_OBJECT_STREAM = _pdf_names([b"ObjStm"])
PDF_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
# A stream's dictionary is a few hundred bytes, just before the keyword "stream".
PDF_DICTIONARY_BYTES = 4096


def _refuse_pdf_actions(data: bytes) -> None:
    """Look for risky names in the file and inside its object streams, where PDF 1.5 and later keep
    most dictionaries compressed."""
    _refuse_pdf_names(data, PDF_LONG_RISKY_NAMES)
    outside_streams, end = [], 0
    budget = MAX_PDF_INFLATED
    for stream in PDF_STREAM.finditer(data):
        if stream.start() < end:
            continue  # the word "stream" inside another stream's data
        outside_streams.append(data[end : stream.start()])
        end = data.find(b"endstream", stream.end())
        end = len(data) if end < 0 else end
        before = data[max(0, stream.start() - PDF_DICTIONARY_BYTES) : stream.start()]
        if PDF_OBJECT_STREAM.search(before.rsplit(b"obj", 1)[-1]):
            inflated = _inflate(memoryview(data)[stream.end() : end], budget)
            if inflated is None:
                raise ValidationError(PDF_UNREADABLE, code="risky_content")
            _refuse_pdf_names(inflated, PDF_RISKY_NAMES)
            budget -= len(inflated)
    outside_streams.append(data[end:])
    _refuse_pdf_names(b"\n".join(outside_streams), PDF_RISKY_NAMES)


def _refuse_pdf_names(data: bytes, names: re.Pattern) -> None:
    if found := names.search(data):
        name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda escape: bytes.fromhex(escape[1].decode()), found[1])
        raise ValidationError(PDF_RISKS[name], code="risky_content")


def _inflate(data: memoryview, budget: int) -> bytes | None:
    """A zlib stream at the start of ``data``, or None if it is not one or unpacks past ``budget``."""
    inflater = zlib.decompressobj()
    output = bytearray()
    try:
        for start in range(0, len(data), 64 * 1024):
            output += inflater.decompress(data[start : start + 64 * 1024], budget + 1 - len(output))
            if inflater.eof or len(output) > budget:
                break
    except zlib.error:
        return None
    return bytes(output) if inflater.eof and len(output) <= budget else None


def _refuse_active_parts(archive: zipfile.ZipFile) -> None:
    """Macros, OLE objects and ActiveX controls, and relationships to outside content that Office
    fetches on opening (a remote template, a linked object or picture). Links to web pages stay."""
    for info in archive.infolist():
        name = info.filename
        if name.lower().endswith("vbaproject.bin") or name.startswith(ODF_MACROS):
            raise ValidationError(MACROS, code="risky_content")
        if OLE_PARTS.search(name):
            raise ValidationError(EMBEDDED_OBJECT, code="risky_content")
        if name.endswith(".rels"):
            _refuse_remote_links(archive, info)


def _refuse_remote_links(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    if info.file_size > MAX_RELS_BYTES:
        raise ValidationError(
            _("This file unpacks to %(size)s, which is too large to accept."),
            code="suspicious_archive",
            params={"size": human_size(info.file_size)},
        )
    with archive.open(info) as member:
        rels = member.read(MAX_RELS_BYTES + 1)
    for relationship in RELATIONSHIP.finditer(rels):
        attributes = dict(re.findall(rb"""(\w+)\s*=\s*["']([^"']*)["']""", relationship[1]))
        external = attributes.get(b"TargetMode", b"").lower() == b"external"
        if external and not attributes.get(b"Type", b"").endswith(b"/hyperlink"):
            raise ValidationError(REMOTE_LINK, code="risky_content")


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
