"""Background tasks: a report draft built after the request that asked for it, e-mail tried again
when the mail server fails, and old drafts pruned. The immediate backend (the default) runs a task
at once; the database backend queues it for `manage.py db_worker`, run here once per step."""

import datetime
import signal
import smtplib
from io import StringIO
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_tasks.backends.base import BaseTaskBackend
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from commitments import progress_report, tasks
from commitments.models import ReminderSending, ReportBuild, ReportEdition
from commitments.progress_report import pdf

from .conftest import generate_report, line, make_user, own

pytestmark = pytest.mark.django_db

PLAN = "poa-2026-2030"
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
BEING_PREPARED = "The report is being prepared."
REFRESH = '<meta http-equiv="refresh" content="3">'


class RefusingMailServer(BaseEmailBackend):
    """A mail server that drops every connection, and counts the attempts."""

    attempts = 0

    def send_messages(self, email_messages):
        RefusingMailServer.attempts += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class DownQueue(BaseTaskBackend):
    """A task queue whose database is gone."""

    def enqueue(self, task, args, kwargs):
        raise OperationalError("could not connect to the task queue")


@pytest.fixture
def database_backend(settings):
    settings.TASKS = DATABASE_BACKEND


@pytest.fixture
def refusing_mail_server(settings):
    settings.EMAIL_BACKEND = "tests.test_background_tasks.RefusingMailServer"
    RefusingMailServer.attempts = 0


def run_worker() -> None:
    """The worker of the deployment, once over what is due now; its signal handlers are undone after.

    The worker closes a connection it finds inside a transaction (close_old_connections), as
    between requests; on PostgreSQL that would close the test's own transaction, so it is left
    alone here, as Django's test client leaves it between requests.
    """
    handlers = {
        number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    }
    try:
        with mock.patch.object(db_worker, "close_old_connections"):
            call_command(
                "db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0, stdout=StringIO()
            )
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def ask_for_report(client, period, **values):
    data = {"plan": PLAN, "period": period.pk, "language": "en", "format": "docx"} | values
    return client.post(reverse("commitments:report-generate"), data)


def build_url(build, name: str = "report-build") -> str:
    return reverse(f"commitments:{name}", args=[build.pk])


# A report with the immediate backend (make run, make test)


def test_asking_for_a_report_redirects_to_its_build_which_is_ready_at_once(client, reader, period):
    client.force_login(reader)

    response = ask_for_report(client, period)

    build = ReportBuild.objects.get()
    assert response.status_code == 303 and response["Location"] == build_url(build)
    page = client.get(response["Location"]).content.decode()
    assert "The report is ready." in page and REFRESH not in page
    assert f'href="{build_url(build, "report-build-download")}"' in page


def test_the_download_is_the_report_as_an_attachment_from_private_storage(
    client, reader, period, evidence_root
):
    client.force_login(reader)

    response = generate_report(
        client, {"plan": PLAN, "period": period.pk, "language": "zh", "format": "xlsx"}
    )

    build = response.build
    assert response.status_code == 200 and response.content.startswith(b"PK")  # a zip: XLSX
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and "-zh-draft.xlsx" in response["Content-Disposition"]
    )
    assert (evidence_root / build.file.name).read_bytes() == response.content
    assert build.size == len(response.content) and build.requested_by == reader


def test_the_form_is_posted_now_and_a_get_is_refused(client, reader, period):
    client.force_login(reader)
    values = {"plan": PLAN, "period": period.pk, "language": "en", "format": "docx"}
    assert client.get(reverse("commitments:report-generate"), values).status_code == 405
    assert not ReportBuild.objects.exists()


def test_bad_input_shows_the_form_again_and_queues_nothing(client, reader, period):
    client.force_login(reader)

    response = ask_for_report(client, period, language="xx")

    assert response.status_code == 400 and "language" in response.context["form"].errors
    assert not ReportBuild.objects.exists()


def test_the_report_page_lists_the_latest_builds_with_their_state(client, reader, period):
    client.force_login(reader)
    ask_for_report(client, period)

    html = client.get(reverse("commitments:report")).content.decode()

    assert "Drafts generated lately" in html and "Ready" in html
    assert build_url(ReportBuild.objects.get(), "report-build-download") in html


# A report with the database backend and a worker


def test_with_a_worker_the_request_returns_before_the_report_is_built(
    client, reader, period, database_backend
):
    client.force_login(reader)

    response = ask_for_report(client, period)

    build = ReportBuild.objects.get()
    assert build.state == ReportBuild.State.QUEUED and not build.file
    assert str(DBTaskResult.objects.get().id) == build.task_id
    page = client.get(response["Location"]).content.decode()
    assert BEING_PREPARED in page and REFRESH in page
    assert build_url(build, "report-build-download") not in page
    assert client.get(build_url(build, "report-build-download")).status_code == 404


def test_the_worker_builds_the_report_and_the_page_then_offers_the_download(
    client, reader, period, database_backend
):
    client.force_login(reader)
    location = ask_for_report(client, period)["Location"]

    run_worker()

    build = ReportBuild.objects.get()
    assert build.state == ReportBuild.State.DONE and build.finished_at is not None
    page = client.get(location).content.decode()
    assert BEING_PREPARED not in page and REFRESH not in page
    download = client.get(build_url(build, "report-build-download"))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"PK")


def test_a_failing_renderer_records_a_failed_build_and_the_page_offers_to_try_again(
    client, reader, period, database_backend, monkeypatch
):
    def broken(content):
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(progress_report, "renderers", lambda: {"docx": broken})
    client.force_login(reader)
    location = ask_for_report(client, period)["Location"]

    run_worker()

    build = ReportBuild.objects.get()
    assert build.state == ReportBuild.State.FAILED and build.failure == ReportBuild.Failure.ERROR
    assert build.failure_detail == "RuntimeError: the renderer broke" and not build.file
    page = client.get(location).content.decode()
    assert "The report could not be prepared." in page and "unexpected error" in page
    assert f'action="{build_url(build, "report-build-retry")}"' in page and "Try again" in page


def test_trying_again_queues_a_new_build_of_the_same_report(client, reader, period, database_backend):
    client.force_login(reader)
    ask_for_report(client, period, format="docx")
    failed = ReportBuild.objects.get()
    failed.fail(ReportBuild.Failure.PDF, "Chromium is not installed.")

    response = client.post(build_url(failed, "report-build-retry"))

    again = ReportBuild.objects.latest_first().first()
    assert response.status_code == 303 and response["Location"] == build_url(again)
    assert again != failed and (again.plan, again.period, again.language, again.format) == (
        failed.plan, failed.period, failed.language, failed.format,
    )  # fmt: skip
    assert again.state == ReportBuild.State.QUEUED
    run_worker()
    again.refresh_from_db()
    assert again.state == ReportBuild.State.DONE


def test_a_pdf_asked_for_where_chromium_then_went_missing_fails_with_a_message_saying_so(
    client, reader, period, database_backend, monkeypatch
):
    monkeypatch.setattr(pdf, "chromium", lambda: "/usr/bin/chromium")
    client.force_login(reader)
    location = ask_for_report(client, period, format="pdf")["Location"]
    monkeypatch.setattr(pdf, "chromium", lambda: None)

    run_worker()

    assert ReportBuild.objects.get().failure == ReportBuild.Failure.PDF
    page = client.get(location).content.decode()
    # The failure's label is the translated text (ReportBuild.Failure); the detail is Chromium's own.
    assert "PDF could not be made on this server: Chromium is missing or failed." in page
    assert "Chromium is not installed." in page and "Try again" in page


def test_a_build_run_twice_is_built_once(reader, period, database_backend):
    build = ReportBuild.request(period.plan, period, "en", "html", by=reader)
    run_worker()
    first = ReportBuild.objects.get().file.name

    tasks.build_report_file.call(build.pk)  # a worker that died after building, and the task run again

    assert ReportBuild.objects.get().file.name == first


def test_a_queue_that_is_down_leaves_a_failed_build_not_an_error_page(client, reader, period, settings):
    settings.TASKS = {"default": {"BACKEND": "tests.test_background_tasks.DownQueue"}}
    client.force_login(reader)

    response = ask_for_report(client, period)

    build = ReportBuild.objects.get()
    assert response.status_code == 303 and build.failure == ReportBuild.Failure.QUEUE
    assert "Try again" in client.get(response["Location"]).content.decode()


# Who sees a build and downloads it


@pytest.mark.parametrize(
    ("who", "page", "download"),
    [
        ("focal_point", 200, 200),  # who asked for it
        ("secretariat", 200, 200),  # the secretariat share every build
        ("administrator", 200, 200),
        ("reader", 404, 404),  # someone else's build, as if it did not exist
    ],
)
def test_a_build_is_seen_by_who_asked_for_it_and_the_secretariat(
    client, request, period, focal_point, who, page, download
):
    build = ReportBuild.request(period.plan, period, "en", "html", by=focal_point)
    client.force_login(request.getfixturevalue(who))

    assert client.get(build_url(build)).status_code == page
    assert client.get(build_url(build, "report-build-download")).status_code == download
    assert client.post(build_url(build, "report-build-retry")).status_code == (303 if page == 200 else 404)


def test_an_anonymous_visitor_is_sent_to_log_in(client, period, focal_point):
    build = ReportBuild.request(period.plan, period, "en", "html", by=focal_point)
    for name in ("report-build", "report-build-download"):
        response = client.get(build_url(build, name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(reverse("commitments:report-generate"), {}).status_code == 302


def test_someone_with_no_role_cannot_ask_for_a_report(client, period):
    client.force_login(make_user("nobody"))
    assert ask_for_report(client, period).status_code == 403
    assert not ReportBuild.objects.exists()


def test_the_build_page_takes_a_fixed_number_of_queries(client, reader, period, django_assert_num_queries):
    client.force_login(reader)
    build = ReportBuild.request(period.plan, period, "en", "html", by=reader)
    client.get(build_url(build))  # the session's first use

    # user, permissions (groups and own, in one), the build with its plan, period and requester; the
    # session comes from the cache (cached_db sessions)
    with django_assert_num_queries(3):
        client.get(build_url(build))


# The final edition, made in the background too


@pytest.fixture
def no_chromium(monkeypatch):
    monkeypatch.setattr(pdf, "chromium", lambda: None)  # PDF not offered: the test stays fast


def ask_to_finalise(client, period, language="en"):
    data = {"language": language, "understood": "on", "despite_gaps": "on"}
    return client.post(reverse("commitments:report-finalise", args=[period.pk]), data)


def test_with_a_worker_finalising_returns_at_once_and_the_worker_stores_the_edition(
    client, secretariat, period, database_backend, no_chromium
):
    client.force_login(secretariat)

    response = ask_to_finalise(client, period)

    build = ReportBuild.objects.get()
    assert response.status_code == 303 and response["Location"] == build_url(build)
    assert build.is_final and build.state == ReportBuild.State.QUEUED
    assert not ReportEdition.objects.exists()
    assert BEING_PREPARED in client.get(response["Location"]).content.decode()
    run_worker()
    build.refresh_from_db()
    assert build.state == ReportBuild.State.DONE and build.edition == ReportEdition.objects.get()
    assert sorted(build.edition.files.values_list("format", flat=True)) == ["docx", "html", "xlsx"]
    assert "The final edition is stored" in client.get(response["Location"]).content.decode()
    assert (
        client.get(build_url(build, "report-build-download")).status_code == 404
    )  # its files are the edition's


def test_finalising_a_report_that_is_final_already_is_refused_at_once(
    client, secretariat, period, database_backend, no_chromium
):
    client.force_login(secretariat)
    ask_to_finalise(client, period)
    run_worker()

    page = client.post(
        reverse("commitments:report-finalise", args=[period.pk]),
        {"language": "en", "understood": "on", "despite_gaps": "on"},
        follow=True,
    ).content.decode()

    assert "Nothing was finalised: The English report of 2026–2027 is final already" in page
    assert ReportBuild.objects.count() == 1 and ReportEdition.objects.count() == 1


def test_two_finalisings_queued_before_either_ran_store_one_edition_and_the_second_says_why(
    client, secretariat, period, database_backend, no_chromium
):
    client.force_login(secretariat)
    first, second = (ask_to_finalise(client, period)["Location"] for _ in range(2))

    run_worker()

    assert ReportEdition.objects.count() == 1
    states = sorted(ReportBuild.objects.values_list("state", "failure"))
    assert states == [(ReportBuild.State.DONE, ""), (ReportBuild.State.FAILED, ReportBuild.Failure.FINAL)]
    pages = client.get(first).content.decode() + client.get(second).content.decode()
    assert "Nothing was finalised: this report is final already." in pages
    assert "Try again" not in pages


def test_a_final_build_by_someone_who_lost_the_right_to_finalise_is_refused_by_the_worker(
    client, secretariat, period, database_backend, no_chromium
):
    client.force_login(secretariat)
    ask_to_finalise(client, period)
    secretariat.groups.clear()

    run_worker()

    assert not ReportEdition.objects.exists()
    assert ReportBuild.objects.get().failure == ReportBuild.Failure.REFUSED


def test_only_a_finaliser_may_queue_a_final_edition(reader, period, database_backend):
    with pytest.raises(PermissionDenied):
        ReportBuild.request_final(period.plan, period, "en", by=reader)
    assert not ReportBuild.objects.exists()


# Old drafts


def test_pruning_deletes_old_builds_with_their_files_and_keeps_recent_ones(reader, period, evidence_root):
    old = ReportBuild.request(period.plan, period, "en", "html", by=reader)
    recent = ReportBuild.request(period.plan, period, "en", "docx", by=reader)
    ReportBuild.objects.filter(pk=old.pk).update(requested_at=timezone.now() - datetime.timedelta(days=8))
    output = StringIO()

    call_command("prune_report_builds", "--days", "7", stdout=output)

    assert list(ReportBuild.objects.all()) == [recent]
    assert not (evidence_root / old.file.name).exists() and (evidence_root / recent.file.name).exists()
    assert "Deleted 1 report builds older than 7 days" in output.getvalue()


def test_cleanup_files_counts_a_builds_file_as_named_by_a_row(reader, period):
    ReportBuild.request(period.plan, period, "en", "html", by=reader)
    output = StringIO()
    call_command("cleanup_files", "--min-age", "0", "--delete", stdout=output)
    assert "Deleted 0 unreferenced files" in output.getvalue()
    assert ReportBuild.objects.get().file.storage.exists(ReportBuild.objects.get().file.name)


# E-mail, tried again


def test_a_refused_e_mail_is_queued_again_later_and_given_up_after_four_attempts(
    database_backend, refusing_mail_server, caplog
):
    tasks.send_email.enqueue("Subject", "Body", ["someone@example.org"])

    waits = []
    for _ in range(10):  # more rounds than attempts: the task must stop by itself
        run_worker()
        pending = DBTaskResult.objects.filter(status="READY").first()  # due later: the worker left it
        if pending is None:
            break
        last = DBTaskResult.objects.exclude(pk=pending.pk).order_by("-finished_at").first()
        waits.append(round((pending.run_after - last.finished_at).total_seconds() / 60))
        DBTaskResult.objects.filter(pk=pending.pk).update(run_after=timezone.now())  # the wait is over

    assert RefusingMailServer.attempts == 4 and DBTaskResult.objects.count() == 4
    assert waits == [1, 5, 15]
    assert [result.args_kwargs["args"][3] for result in DBTaskResult.objects.order_by("enqueued_at")[1:]] == [
        2, 3, 4,
    ]  # fmt: skip
    assert "Could not send 1 e-mail(s) to someone@example.org; gave up after 4 attempt(s)" in caplog.text


def test_an_e_mail_that_goes_is_not_tried_again(database_backend, mailoutbox):
    tasks.send_email.enqueue("Subject", "Body", ["someone@example.org"])
    run_worker()
    assert len(mailoutbox) == 1 and DBTaskResult.objects.get().return_value is True


def test_with_the_immediate_backend_a_refused_e_mail_is_logged_not_an_error_page(
    client, secretariat, period, owner, focal_point, refusing_mail_server, caplog
):
    own(line(PLAN, "2.8.1"), owner)
    client.force_login(secretariat)

    response = client.post("/reminders/send/", {"organisations": [owner.pk], "send": "1"})

    assert response.status_code == 302 and RefusingMailServer.attempts == 1
    assert ReminderSending.objects.get().failed == [focal_point.email]
    assert f"Could not send 1 e-mail(s) to {focal_point.email}; gave up after 1 attempt(s)" in caplog.text


def test_with_a_worker_a_reminder_is_queued_and_counted_as_sent(
    client, secretariat, period, owner, focal_point, database_backend, mailoutbox
):
    own(line(PLAN, "2.8.1"), owner)
    client.force_login(secretariat)

    client.post("/reminders/send/", {"organisations": [owner.pk], "send": "1"})

    assert ReminderSending.objects.get().failed == [] and mailoutbox == []
    run_worker()
    assert [message.to for message in mailoutbox] == [[focal_point.email]]


def test_a_queue_that_is_down_loses_no_request_and_logs_each_e_mail(
    client, secretariat, period, owner, focal_point, settings, caplog
):
    settings.TASKS = {"default": {"BACKEND": "tests.test_background_tasks.DownQueue"}}
    own(line(PLAN, "2.8.1"), owner)
    client.force_login(secretariat)

    response = client.post("/reminders/send/", {"organisations": [owner.pk], "send": "1"})

    assert response.status_code == 302 and ReminderSending.objects.get().failed == [focal_point.email]
    assert f"Could not queue an e-mail to {focal_point.email}" in caplog.text
