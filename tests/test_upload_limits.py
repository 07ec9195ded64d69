"""Uploads stop being kept at the size limit, and the form says so without losing what was typed;
evidence is downloaded as an attachment that browsers do not sniff."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commitments.models import Evidence
from commitments.upload_limits import SizeLimitedUploadHandler
from commitments.uploads import TooLargeUpload

from .conftest import line, make_update, own
from .test_reporting import edit
from .test_uploads import make_docx, make_pdf

pytestmark = pytest.mark.django_db

LIMIT = 128 * 1024


@pytest.fixture
def draft(period, owner, focal_point):
    transport = line("poa-2026-2030", "2.8.1")
    own(transport, owner)
    return make_update(transport, period, owner, focal_point)


@pytest.fixture
def limit(settings, evidence_root):
    settings.EVIDENCE_MAX_BYTES = LIMIT
    return LIMIT


def pdf_of(size: int) -> bytes:
    """A valid PDF padded with trailing spaces to ``size`` bytes."""
    return make_pdf().ljust(size, b" ")


def send(client, update, *files: bytes, **fields):
    uploads = {
        f"evidence-{index}-upload": SimpleUploadedFile(f"minutes-{index}.pdf", content)
        for index, content in enumerate(files)
    }
    titles = {f"evidence-{index}-title_en": f"Minutes {index}" for index in range(len(files))}
    return edit(client, update, narrative_en="Typed before choosing the file.", **titles, **uploads, **fields)


def handler_of(response) -> SizeLimitedUploadHandler:
    (handler,) = response.wsgi_request.upload_handlers
    return handler


def upload_errors(response, index: int = 0) -> list[str]:
    return response.context["editor"].evidence.forms[index].errors["upload"]


def test_a_file_one_byte_over_the_limit_is_refused_on_the_form_and_the_typed_text_is_kept(
    client, draft, focal_point, limit
):
    client.force_login(focal_point)
    response = send(client, draft, pdf_of(limit + 1))
    assert response.status_code == 200
    assert upload_errors(response) == ["The file is larger than 128 KB."]
    assert "Typed before choosing the file." in response.content.decode()
    assert isinstance(response.wsgi_request.FILES["evidence-0-upload"], TooLargeUpload)
    assert handler_of(response).kept <= limit
    draft.refresh_from_db()
    assert draft.narrative_en == "" and not Evidence.objects.exists()


def test_a_file_thirty_times_the_limit_is_kept_no_further_than_the_limit(client, draft, focal_point, limit):
    client.force_login(focal_point)
    response = send(client, draft, pdf_of(30 * limit))  # a request too large to be kept in memory
    handler = handler_of(response)
    assert handler.kept <= limit and handler.kept_in_request == 0
    assert handler.file.closed  # the temporary file is deleted on closing
    assert upload_errors(response) == ["The file is larger than 128 KB."]


def test_a_file_at_the_limit_is_kept_whole_and_saved(client, draft, focal_point, limit, evidence_root):
    client.force_login(focal_point)
    response = send(client, draft, pdf_of(limit))
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence_root / evidence.file.name).read_bytes() == pdf_of(limit)


def test_files_together_over_the_request_limit_are_refused_from_the_one_that_passes_it(
    client, draft, focal_point, limit, settings
):
    settings.UPLOAD_MAX_REQUEST_BYTES = limit
    client.force_login(focal_point)
    response = send(client, draft, pdf_of(limit // 2), pdf_of(limit // 2 + 10))
    assert "evidence-0-upload" not in response.context["editor"].evidence.forms[0].errors
    assert upload_errors(response, 1) == [
        "The files sent together are larger than 128 KB; send fewer at a time."
    ]
    assert handler_of(response).kept_in_request == limit // 2


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("minutes.pdf", make_pdf(), "application/pdf"),
        ("plan.docx", make_docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_evidence_is_downloaded_as_an_attachment_that_browsers_do_not_sniff(
    client, draft, focal_point, reader, evidence_root, name, content, content_type
):
    client.force_login(focal_point)
    edit(
        client,
        draft,
        **{"evidence-0-title_en": "File", "evidence-0-upload": SimpleUploadedFile(name, content)},
    )
    client.force_login(reader)
    response = client.get(reverse("commitments:evidence-download", args=[Evidence.objects.get().pk]))
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
