"""Evidence uploads: real small files of each allowed type, disguised files, and hostile names."""

import io
import re
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from commitments.uploads import (
    DEFAULT_MAX_BYTES,
    CheckedUpload,
    check_upload,
    safe_display_name,
    storage_name_for,
    validate_evidence_file,
)

CONTENT_TYPES_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
{overrides}
</Types>"""

OVERRIDE = '<Override PartName="/{part}" ContentType="application/vnd.openxmlformats-officedocument.{type}"/>'

RELS_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
{relationships}
</Relationships>"""

RELATIONSHIP = '<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/{type}" Target="{target}"/>'
OFFICE_DOCUMENT = "officeDocument/2006/relationships/officeDocument"

DOCUMENT_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>Progress report</w:t></w:r></w:p></w:body>
</w:document>"""

WORKBOOK_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""

SHEET_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Progress</t></is></c></row></sheetData>
</worksheet>"""

PRESENTATION_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">
<p:sldSz cx="9144000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/>
</p:presentation>"""

ODT_CONTENT_XML = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:text><text:p>Progress report</text:p></office:text></office:body>
</office:document-content>"""

ODT_MANIFEST_XML = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def make_zip(members: dict[str, str | bytes], stored: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data, zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def make_ooxml(main_part: str, main_type: str, parts: dict[str, str], **extra: str | bytes) -> bytes:
    overrides = OVERRIDE.format(part=main_part, type=main_type)
    package_rels = RELATIONSHIP.format(n=1, type=OFFICE_DOCUMENT, target=main_part)
    members = {
        "[Content_Types].xml": CONTENT_TYPES_XML.format(overrides=overrides),
        "_rels/.rels": RELS_XML.format(relationships=package_rels),
    }
    return make_zip(members | parts | extra)


def make_docx(**extra: str | bytes) -> bytes:
    main_type = "wordprocessingml.document.main+xml"
    return make_ooxml("word/document.xml", main_type, {"word/document.xml": DOCUMENT_XML}, **extra)


def make_xlsx() -> bytes:
    sheet = RELATIONSHIP.format(
        n=1, type="officeDocument/2006/relationships/worksheet", target="worksheets/sheet1.xml"
    )
    parts = {
        "xl/workbook.xml": WORKBOOK_XML,
        "xl/_rels/workbook.xml.rels": RELS_XML.format(relationships=sheet),
        "xl/worksheets/sheet1.xml": SHEET_XML,
    }
    return make_ooxml("xl/workbook.xml", "spreadsheetml.sheet.main+xml", parts)


def make_pptx() -> bytes:
    main_type = "presentationml.presentation.main+xml"
    return make_ooxml("ppt/presentation.xml", main_type, {"ppt/presentation.xml": PRESENTATION_XML})


def make_odt(mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    # ODF requires the mimetype member first and uncompressed.
    members = {
        "mimetype": mimetype,
        "content.xml": ODT_CONTENT_XML,
        "META-INF/manifest.xml": ODT_MANIFEST_XML,
    }
    return make_zip(members, stored=("mimetype",))


def make_pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_png() -> bytes:
    """A 1×1 grey pixel."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80")
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", pixels)
        + png_chunk(b"IEND", b"")
    )


def make_jpeg() -> bytes:
    jfif = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + jfif + b"\xff\xd9"


HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
WINDOWS_EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200)
LINUX_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + bytes(200)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_upload(upload(name, content))
    return caught.value


@pytest.mark.parametrize(
    "name, content, kind, extension, content_type",
    [
        ("report.pdf", make_pdf(), "pdf", "pdf", "application/pdf"),
        (
            "report.docx",
            make_docx(),
            "docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "budget.xlsx",
            make_xlsx(),
            "xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "slides.pptx",
            make_pptx(),
            "pptx",
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("minutes.odt", make_odt(), "odt", "odt", "application/vnd.oasis.opendocument.text"),
        ("chart.png", make_png(), "png", "png", "image/png"),
        ("photo.jpg", make_jpeg(), "jpeg", "jpg", "image/jpeg"),
        ("photo.jpeg", make_jpeg(), "jpeg", "jpg", "image/jpeg"),
    ],
)
def test_each_allowed_type_is_accepted_by_its_content(name, content, kind, extension, content_type):
    checked = check_upload(upload(name, content))
    assert checked == CheckedUpload(
        kind=kind,
        content_type=content_type,
        extension=extension,
        display_name=name,
        storage_name=checked.storage_name,
        size=len(content),
    )
    assert checked.storage_name.endswith(f".{extension}")


def test_the_extension_is_compared_without_regard_to_case():
    assert check_upload(upload("SCAN.JPEG", make_jpeg())).display_name == "SCAN.JPEG"


def test_the_file_is_left_at_its_start_for_saving():
    file = upload("report.docx", make_docx())
    check_upload(file)
    assert file.tell() == 0


def test_the_browsers_content_type_is_ignored():
    file = SimpleUploadedFile("report.pdf", HTML, content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        check_upload(file)
    assert caught.value.code == "type_not_allowed"


def test_an_html_file_renamed_pdf_is_refused():
    error = refusal("report.pdf", HTML)
    assert error.code == "type_not_allowed"
    assert error.messages == [
        "Only PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), OpenDocument text (ODT), "
        "PNG and JPEG files can be uploaded."
    ]


def test_a_png_named_pdf_is_refused_as_a_mismatch():
    error = refusal("chart.pdf", make_png())
    assert error.code == "extension_mismatch"
    assert error.messages == ["The file's content is a PNG image, but its name ends in .pdf."]


def test_a_pdf_without_an_extension_is_refused_as_a_mismatch():
    error = refusal("report", make_pdf())
    assert error.code == "extension_mismatch"
    assert error.messages == [
        "The file's content is a PDF document, but its name has no extension; add .pdf."
    ]


def test_a_pdf_hiding_an_exe_extension_behind_a_nul_is_refused():
    assert refusal("report.pdf\x00.exe", make_pdf()).code == "extension_mismatch"


@pytest.mark.parametrize("name", ["setup.exe", "report.pdf"])
def test_a_windows_executable_is_refused_whatever_its_name(name):
    assert refusal(name, WINDOWS_EXECUTABLE).code == "type_not_allowed"


def test_a_linux_executable_named_pdf_is_refused():
    assert refusal("report.pdf", LINUX_EXECUTABLE).code == "type_not_allowed"


def test_a_self_extracting_archive_named_docx_is_refused():
    assert refusal("report.docx", WINDOWS_EXECUTABLE + make_docx()).code == "type_not_allowed"


def test_a_zip_that_is_not_an_office_document_named_docx_is_refused():
    assert refusal("report.docx", make_zip({"notes.txt": "hello"})).code == "type_not_allowed"


def test_a_truncated_docx_is_refused():
    assert refusal("report.docx", make_docx()[:200]).code == "type_not_allowed"


def test_a_macro_enabled_document_renamed_docx_is_refused_as_carrying_macros():
    docm = make_docx(**{"word/vbaProject.bin": b"\x00" * 64})
    error = refusal("report.docx", docm)
    assert error.code == "risky_content" and "This document contains macros" in error.messages[0]


def test_a_zip_with_the_wrong_mimetype_named_odt_is_refused():
    spreadsheet = make_odt("application/vnd.oasis.opendocument.spreadsheet")
    assert refusal("minutes.odt", spreadsheet).code == "type_not_allowed"


def test_a_docx_named_xlsx_is_refused_as_a_mismatch():
    assert refusal("budget.xlsx", make_docx()).code == "extension_mismatch"


def test_a_zip_bomb_is_refused_from_its_declared_size(settings):
    settings.EVIDENCE_MAX_BYTES = 4 * 1024
    bomb = make_docx(**{"word/media/padding.bin": bytes(100 * 1024)})
    assert len(bomb) < settings.EVIDENCE_MAX_BYTES
    assert refusal("report.docx", bomb).code == "suspicious_archive"


def test_an_oversized_file_is_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 100
    error = refusal("report.pdf", make_pdf())
    assert error.code == "too_large"
    assert error.messages == [f"This file is {len(make_pdf())} bytes; the limit is 100 bytes."]


def test_without_the_setting_the_limit_is_25_mb_and_the_message_says_so(settings):
    del settings.EVIDENCE_MAX_BYTES
    content = make_pdf() + bytes(int(31.2 * 1024 * 1024) - len(make_pdf()))
    error = refusal("scan.pdf", content)
    assert error.code == "too_large"
    assert error.messages == ["This file is 31.2 MB; the limit is 25 MB."]


def test_a_file_exactly_at_the_limit_is_accepted(settings):
    settings.EVIDENCE_MAX_BYTES = len(make_pdf())
    assert check_upload(upload("report.pdf", make_pdf())).size == settings.EVIDENCE_MAX_BYTES


def test_the_default_limit_is_25_mb():
    assert DEFAULT_MAX_BYTES == 25 * 1024 * 1024


def test_an_empty_file_is_refused():
    error = refusal("report.pdf", b"")
    assert error.code == "empty"
    assert error.messages == ["This file is empty."]


def test_the_form_validator_returns_nothing_for_a_good_file_and_raises_for_a_bad_one():
    assert validate_evidence_file(upload("report.pdf", make_pdf())) is None
    with pytest.raises(ValidationError):
        validate_evidence_file(upload("report.pdf", HTML))


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\evil.pdf", "evil.pdf"),
        ("report\u202egpj.pdf", "reportgpj.pdf"),
        ("\x00bad.pdf", "bad.pdf"),
        ("  ...hidden.pdf", "hidden.pdf"),
        ("annual\t\n  report\u3000 2026.pdf", "annual report 2026.pdf"),
        ("report.pdf. . ", "report.pdf"),
        (".pdf", "file.pdf"),
        ("../", "file.pdf"),
        ("\u200b\u202e", "file.pdf"),
    ],
)
def test_a_hostile_name_is_neutralised_for_display(name, expected):
    assert safe_display_name(name, "pdf") == expected


def test_a_name_with_path_tricks_is_neutralised_when_checking_an_upload():
    assert check_upload(upload("..\\..\\windows\\evil.pdf", make_pdf())).display_name == "evil.pdf"


def test_a_chinese_name_is_kept():
    assert check_upload(upload("进展报告.pdf", make_pdf())).display_name == "进展报告.pdf"


def test_a_name_without_the_extension_gains_it_for_display():
    assert safe_display_name("notes", "pdf") == "notes.pdf"


def test_a_long_name_is_cut_to_150_characters_keeping_the_extension():
    name = safe_display_name("报" * 300 + ".docx", "docx")
    assert len(name) == 150
    assert name.endswith("报.docx")


def test_the_storage_name_is_random_and_owes_nothing_to_the_users_name():
    first = check_upload(upload("secret-plan.pdf", make_pdf())).storage_name
    second = check_upload(upload("secret-plan.pdf", make_pdf())).storage_name
    assert first != second
    assert "secret" not in first and "plan" not in first
    assert re.fullmatch(r"evidence/\d{4}/[0-9a-f]{32}\.pdf", first)


def test_the_storage_name_refuses_an_extension_that_could_escape_the_folder():
    with pytest.raises(ValueError):
        storage_name_for("/../x")


def test_the_storage_name_uses_the_canonical_extension_of_the_content():
    assert check_upload(upload("photo.jpeg", make_jpeg())).storage_name.endswith(".jpg")


# Active content: each kind refused with a reason, in a minimal hostile file built here


def pdf_with(*objects: bytes) -> bytes:
    """A PDF whose catalogue (object 1) is the first of ``objects``, after the one-page base."""
    base = make_pdf()
    extra = b"".join(b"%d 0 obj\n%s\nendobj\n" % (number, body) for number, body in enumerate(objects, 10))
    return base.replace(b"xref\n", extra + b"xref\n", 1)


def object_stream(*dictionaries: bytes) -> bytes:
    """A compressed object stream holding ``dictionaries``, as PDF 1.5 writers make them."""
    body = b" ".join(dictionaries)
    packed = zlib.compress(b"20 0 " + body)
    header = b"<< /Type /ObjStm /N %d /First 5 /Length %d /Filter /FlateDecode >>" % (
        len(dictionaries),
        len(packed),
    )
    return header + b"\nstream\n" + packed + b"\nendstream"


def risky_reason(name: str, content: bytes) -> str:
    error = refusal(name, content)
    assert error.code == "risky_content"
    return error.messages[0]


@pytest.mark.parametrize(
    "action, reason",
    [
        (b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>", "This PDF contains JavaScript"),
        (b"<< /OpenAction << /S /JavaScript /JS 11 0 R >> >>", "This PDF contains JavaScript"),
        (b"<< /S /Launch /F (cmd.exe) >>", "This PDF contains a command that starts another program"),
        (b"<< /Names << /EmbeddedFiles << /Names [(a.exe) 12 0 R] >> >> >>", "has other files attached"),
        (b"<< /Type /Filespec /EF << /F 13 0 R >> /Type /EmbeddedFile >>", "has other files attached"),
        (b"<< /Type /Page /AA << /O << /S /URI /URI (http://example.org) >> >> >>", "runs actions by itself"),
    ],
)
def test_a_pdf_with_scripts_launch_actions_attachments_or_automatic_actions_is_refused(action, reason):
    assert reason in risky_reason("report.pdf", pdf_with(action))


def test_a_pdf_spelling_javascript_with_hex_escapes_is_refused():
    assert "JavaScript" in risky_reason(
        "report.pdf", pdf_with(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>")
    )


def test_a_pdf_hiding_its_script_in_a_compressed_object_stream_is_refused():
    hidden = pdf_with(object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>"))
    assert b"JavaScript" not in hidden
    assert "This PDF contains JavaScript" in risky_reason("report.pdf", hidden)


def test_a_pdf_whose_object_stream_cannot_be_unpacked_is_refused():
    unreadable = pdf_with(
        b"<< /Type /ObjStm /N 1 /First 5 /Length 8 >>\nstream\n\x00\x01\x02\x03\x04\x05\x06\x07\nendstream"
    )
    assert "cannot be checked" in risky_reason("report.pdf", unreadable)


def test_a_pdf_with_harmless_object_streams_and_names_that_only_start_alike_is_accepted():
    harmless = pdf_with(object_stream(b"<< /Type /Font /JSON 1 /AAA 2 >>"), b"<< /Launcher 1 >>")
    assert check_upload(upload("report.pdf", harmless)).kind == "pdf"


def test_random_bytes_in_a_pdfs_image_stream_are_not_taken_for_actions():
    image = b"/JS " * 1000 + b"/AA>" * 1000
    stream = b"<< /Subtype /Image /Length %d >>\nstream\n%s\nendstream" % (len(image), image)
    assert check_upload(upload("scan.pdf", pdf_with(stream))).kind == "pdf"


@pytest.mark.parametrize(
    "name, content, description",
    [
        ("report.pdf", make_pdf().replace(b"%PDF-1.4\n", b"%PDF-1.4\n<html><script>alert(1)</script>\n"),
         "PDF"),
        ("chart.png", make_png()[:33] + png_chunk(b"tEXt", b"c\x00<svg onload=alert(1)>") + make_png()[33:],
         "PNG"),
        ("photo.jpg", b"\xff\xd8\xff\xfe\x00\x20<!DOCTYPE html><body>hi</body>" + make_jpeg()[2:], "JPEG"),
    ],
)  # fmt: skip
def test_a_pdf_png_or_jpeg_that_is_also_a_web_page_is_refused(name, content, description):
    reason = risky_reason(name, content)
    assert f"This file is a {description}" in reason and "web page code (HTML or SVG)" in reason


def test_a_docx_with_an_ole_object_is_refused():
    docx = make_docx(**{"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0" + bytes(60)})
    assert "embedded object or control (OLE or ActiveX)" in risky_reason("report.docx", docx)


def test_a_docx_with_an_activex_control_is_refused():
    docx = make_docx(**{"word/activeX/activeX1.bin": bytes(64)})
    assert "embedded object or control (OLE or ActiveX)" in risky_reason("report.docx", docx)


def settings_rels(type_: str, target: str, mode: str = ' TargetMode="External"') -> str:
    relationship = (
        f'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/{type_}" Target="{target}"{mode}/>'
    )
    return RELS_XML.format(relationships=relationship)


def test_a_docx_with_a_remote_template_is_refused():
    template = settings_rels(
        "officeDocument/2006/relationships/attachedTemplate", "http://198.51.100.7/t.dotm"
    )
    docx = make_docx(**{"word/_rels/settings.xml.rels": template})
    assert "fetches something from another address" in risky_reason("report.docx", docx)


def with_member(document: bytes, name: str, data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        members = {member: archive.read(member) for member in archive.namelist()}
    return make_zip(members | {name: data})


@pytest.mark.parametrize(
    "name, document, part",
    [("budget.xlsx", make_xlsx(), "xl/vbaProject.bin"), ("slides.pptx", make_pptx(), "ppt/vbaProject.bin")],
)
def test_an_xlsx_or_pptx_with_a_vba_project_is_refused_too(name, document, part):
    assert "This document contains macros" in risky_reason(name, with_member(document, part, bytes(64)))


def test_a_docx_with_links_to_web_pages_and_a_local_template_is_accepted():
    hyperlink = settings_rels("officeDocument/2006/relationships/hyperlink", "https://asean.org/")
    local = settings_rels("officeDocument/2006/relationships/attachedTemplate", "Normal.dotm", mode="")
    docx = make_docx(**{"word/_rels/document.xml.rels": hyperlink, "word/_rels/settings.xml.rels": local})
    assert check_upload(upload("report.docx", docx)).kind == "docx"


def test_an_opendocument_text_with_macros_is_refused():
    odt = make_zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": ODT_CONTENT_XML,
                    "Basic/Standard/Module1.xml": "<module/>"}, stored=("mimetype",))  # fmt: skip
    assert "macros" in risky_reason("minutes.odt", odt)
