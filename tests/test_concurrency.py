"""Two people acting on the same thing at the same moment, on two real database connections.

Each attempt runs in its own thread, so through its own connection and transaction. The
attempt whose conditional UPDATE comes first keeps its transaction open until PostgreSQL shows
the other one waiting for its row lock, then commits: the two really overlap, every time.
PostgreSQL only: SQLite has one writer at a time, so there is no race to test there.
"""

import datetime
import threading
import time
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from commitments.forms import PeriodForm
from commitments.models import EditionFile, ReportEdition, ReportingPeriod, ReportUpload, Status, StatusUpdate
from commitments.models.reports import AlreadyFinal
from commitments.models.spreadsheets import UploadRefused
from commitments.models.tracking import EditConflict
from commitments.progress_report.build import build_report

from .conftest import line, make_organisation, make_period, make_update, own

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        # SQLite serialises writers, so there is no race to test; CI runs this module on PostgreSQL.
        reason="needs PostgreSQL's concurrent transactions and row locks; runs in CI's PostgreSQL pass",
    ),
    # The threads see only committed rows, so the test commits; serialized_rollback brings back
    # the seeds and the statuses that Django empties away after each such test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SECONDS = 10

Attempt = Callable[[StatusUpdate], None]


@pytest.fixture(scope="module", autouse=True)
def database_left_as_found(django_db_setup, django_db_blocker):
    """Put the seeds back after the last test here, whatever runs next and whether it asks for them."""
    yield
    with django_db_blocker.unblock():
        connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


def race(update_pk: int, first: Attempt, second: Attempt) -> list[str]:
    """Run two attempts on one update at once, each on its own connection; say how each ended.

    Each loads the update, then both start together (``contest``)."""

    def loading(attempt: Attempt) -> Ready:
        def ready() -> Callable[[], None]:
            update = StatusUpdate.objects.get(pk=update_pk)
            return lambda: attempt(update)

        return ready

    return contest(loading(first), loading(second))


# Reads what it acts on (a form it checks, an update it loads), then returns the act itself.
Ready = Callable[[], Callable[[], None]]


def contest(first: Ready, second: Ready) -> list[str]:
    """Get both ready, then run both acts at once, each on its own connection; say how each ended.

    An act that gets through holds its transaction open until the other one waits for its lock
    (or has finished), so that the other really runs against an uncommitted change. Returns "won"
    or the exception's name.
    """
    start = threading.Barrier(2, timeout=SECONDS)
    pids: dict[int, int] = {}
    finished = [threading.Event(), threading.Event()]
    outcomes = ["did not finish", "did not finish"]

    def run(index: int, ready: Ready) -> None:
        try:
            act = ready()
            pids[index] = backend_pid()
            start.wait()
            with transaction.atomic():
                act()
                wait_until_waiting_for_me(pids[1 - index], finished[1 - index])
            outcomes[index] = "won"
        except Exception as error:  # reported to the test, which says what it expected
            outcomes[index] = type(error).__name__
        finally:
            finished[index].set()
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate([first, second])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * SECONDS)
    return outcomes


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def wait_until_waiting_for_me(other_pid: int, other_finished: threading.Event) -> None:
    deadline = time.monotonic() + SECONDS
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and not other_finished.is_set():
            # pg_blocking_pids reads the lock table now, not a snapshot taken at the transaction's start.
            cursor.execute("SELECT pg_backend_pid() = ANY(pg_blocking_pids(%s))", [other_pid])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    if not other_finished.is_set():
        raise AssertionError("The other attempt neither waited for this one's lock nor finished.")


@pytest.fixture
def draft(plan_2026, reader) -> StatusUpdate:
    organisation = make_organisation(acronym="TEST-CONC", name_en="Concurrency test organisation")
    return make_update(
        line("poa-2026-2030", "2.8.1"),
        make_period(plan_2026),
        organisation,
        reader,
        status=Status.objects.get(code="ongoing"),
        narrative_en="Work began.",
    )


@pytest.fixture
def submitted(draft, reader) -> StatusUpdate:
    draft.submit(by=reader)
    return draft


def edit(text: str, *, on_version: int) -> Attempt:
    def attempt(update: StatusUpdate) -> None:
        update.narrative_en = text
        update.save_edit(["narrative_en"], expected_version=on_version)

    return attempt


def test_of_two_edits_of_the_same_version_one_is_saved_and_the_other_refused(draft):
    version, history = draft.version, draft.history.count()
    texts = ["Ana: the meeting was held in March.", "Bo: the meeting was postponed."]
    outcomes = race(draft.pk, edit(texts[0], on_version=version), edit(texts[1], on_version=version))
    assert sorted(outcomes) == [EditConflict.__name__, "won"]
    draft.refresh_from_db()
    assert draft.narrative_en == texts[outcomes.index("won")]
    assert draft.version == version + 1 and draft.history.count() == history + 1


def review(action: str, *, by) -> Attempt:
    def attempt(update: StatusUpdate) -> None:
        if action == "approve":
            update.approve(by=by)
        else:
            update.return_for_changes(by=by, comment="Add the date of the meeting.")

    return attempt


@pytest.mark.parametrize("officers_review, officers_state", [("approve", "approved"), ("return", "returned")])
def test_of_two_reviews_of_one_submitted_update_exactly_one_is_applied(
    submitted, administrator, secretariat, officers_review, officers_state
):
    version = submitted.version
    outcomes = race(
        submitted.pk, review("approve", by=administrator), review(officers_review, by=secretariat)
    )
    assert sorted(outcomes) == [EditConflict.__name__, "won"]
    by, state = [(administrator, "approved"), (secretariat, officers_state)][outcomes.index("won")]
    submitted.refresh_from_db()
    assert submitted.state == state and submitted.version == version + 1
    assert [(t.by, t.to_state) for t in submitted.transitions.filter(from_state="submitted")] == [(by, state)]


# A spreadsheet confirm and an owner's web edit of the same draft.


@pytest.fixture
def upload(draft, secretariat) -> ReportUpload:
    """An upload completing ``draft`` and starting an update of another line, as the officer was shown it."""
    own(draft.line, draft.organisation)
    own(line("poa-2026-2030", "2.8.2"), draft.organisation)
    rows = [
        {"row": number, "plan": draft.period.plan.code, "period": draft.period.label, "line": code,
         "owner": draft.organisation.acronym, "status": "completed", "narrative_en": "From the file.",
         "narrative_zh": ""}
        for number, code in ((3, "2.8.1"), (4, "2.8.2"))
    ]  # fmt: skip
    upload = ReportUpload.objects.create(
        period=draft.period, uploaded_by=secretariat, original_name="f.xlsx", rows=rows
    )
    upload.show()
    return upload


def in_turn(first: Callable[[], None], second: Callable[[], None], *, pause: Callable) -> dict[str, str]:
    """Run ``first`` until it calls ``pause`` (holding what it has locked so far), then ``second``,
    on its own connection, until it waits for ``first``'s locks (or finishes); then let ``first`` go
    on. Says how each ended: "won" or the exception's name."""
    paused, outcomes = threading.Event(), {}
    pids: dict[str, int] = {}
    done = {"first": threading.Event(), "second": threading.Event()}

    def held(*args, **kwargs):
        paused.set()
        deadline = time.monotonic() + SECONDS
        while "second" not in pids and time.monotonic() < deadline:
            time.sleep(0.01)
        wait_until_waiting_for_me(pids["second"], done["second"])
        return pause(*args, **kwargs)

    def run(name: str, act: Callable[[], None]) -> None:
        try:
            if name == "second":
                paused.wait(SECONDS)
                pids[name] = backend_pid()
            act() if name == "second" else act(held)
            outcomes[name] = "won"
        except Exception as error:  # reported to the test
            outcomes[name] = type(error).__name__
        finally:
            done[name].set()
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in (("first", first), ("second", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * SECONDS)
    return outcomes


def web_edit(update_pk: int, by, text: str) -> Callable[[], None]:
    """What the update form saves, without its catch of a deadlock: a deadlock here shows."""

    def act() -> None:
        update = StatusUpdate.objects.get(pk=update_pk)
        with transaction.atomic():
            update.narrative_en = text
            update.save_edit(["narrative_en"], expected_version=update.version)
            update.submit(by=by)

    return act


def test_a_confirm_that_locked_the_period_first_and_a_web_edit_of_its_draft_do_not_deadlock(
    upload, draft, reader, secretariat, monkeypatch
):
    preview = ReportUpload.preview

    def confirm(held) -> None:
        # The confirmation stops where it has locked what it locks before reading the rows.
        monkeypatch.setattr(ReportUpload, "preview", lambda self, period=None: held(self, period))
        ReportUpload.objects.get(pk=upload.pk).confirm(by=secretariat)

    outcomes = in_turn(confirm, web_edit(draft.pk, reader, "The owner's words."), pause=preview)
    assert outcomes == {"first": "won", "second": EditConflict.__name__}
    draft.refresh_from_db()
    assert (draft.state, draft.narrative_en) == ("submitted", "From the file.")


def test_a_confirm_waiting_for_a_web_edit_of_its_draft_refuses_rather_than_overwrite_it(
    upload, draft, reader, secretariat
):
    def edit_and_hold(held) -> None:
        update = StatusUpdate.objects.get(pk=draft.pk)
        with transaction.atomic():
            update.narrative_en = "The owner's words."
            update.save_edit(["narrative_en"], expected_version=update.version)
            held()

    def confirm() -> None:
        ReportUpload.objects.get(pk=upload.pk).confirm(by=secretariat)

    outcomes = in_turn(edit_and_hold, confirm, pause=lambda: None)
    assert outcomes == {"first": "won", "second": UploadRefused.__name__}
    draft.refresh_from_db()
    assert (draft.state, draft.narrative_en) == ("draft", "The owner's words.")
    assert not ReportUpload.objects.get(pk=upload.pk).is_confirmed


# Two officers adding clashing periods, or finalising the same report, at the same moment.

NEXT = {"starts_on": "2027-01-01", "ends_on": "2027-12-31", "deadline": "2027-11-30"}


def adding_period(plan, **data) -> Ready:
    def ready() -> Callable[[], None]:
        form = PeriodForm(NEXT | data, instance=ReportingPeriod(plan=plan))
        assert form.is_valid(), form.errors
        return form.save

    return ready


@pytest.mark.parametrize(
    "second",
    [
        {"label": "2027-B", "starts_on": "2027-06-01", "ends_on": "2028-05-31"},
        {"label": "2027", "starts_on": "2028-01-01", "ends_on": "2028-12-31", "deadline": "2028-11-30"},
    ],
    ids=["overlapping", "same-label"],
)
def test_of_two_officers_adding_clashing_periods_at_once_one_is_saved_and_the_other_told(plan_2026, second):
    outcomes = contest(adding_period(plan_2026, label="2027"), adding_period(plan_2026, **second))
    assert sorted(outcomes) == [ValidationError.__name__, "won"]
    assert ReportingPeriod.objects.for_plan(plan_2026).count() == 1


def test_postgresql_itself_refuses_periods_of_a_plan_that_share_a_day(plan_2026):
    def add(label: str, starts_on: datetime.date, ends_on: datetime.date) -> ReportingPeriod:
        return make_period(plan_2026, label=label, starts_on=starts_on, ends_on=ends_on, is_open=False)

    add("2026", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    add("2027", datetime.date(2026, 12, 31), datetime.date(2027, 12, 30))  # starts the day 2026 ends
    with pytest.raises(IntegrityError, match="periods_of_a_plan_do_not_overlap"), transaction.atomic():
        add("Mid", datetime.date(2026, 6, 1), datetime.date(2027, 5, 31))
    assert ReportingPeriod.objects.for_plan(plan_2026).count() == 2


def test_of_two_finalisations_of_a_report_at_once_one_edition_is_stored(period, secretariat, evidence_root):
    def finalising() -> Callable[[], None]:
        renderers = {"html": lambda content: b"<html>"}
        content = build_report(period.plan, period, "en", is_final=True)
        return lambda: ReportEdition.finalise(
            period.plan, period, content, by=secretariat, renderers=renderers
        )

    outcomes = contest(finalising, finalising)
    assert sorted(outcomes) == [AlreadyFinal.__name__, "won"]
    assert ReportEdition.objects.count() == 1 and EditionFile.objects.count() == 1
