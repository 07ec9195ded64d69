"""Two people acting on one status update at the same moment, on two real database connections.

Each attempt runs in its own thread, so through its own connection and transaction. The
attempt whose conditional UPDATE comes first keeps its transaction open until PostgreSQL shows
the other one waiting for its row lock, then commits: the two really overlap, every time.
PostgreSQL only: SQLite has one writer at a time, so there is no race to test there.
"""

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from commitments.models import Status, StatusUpdate
from commitments.models.tracking import EditConflict

from .conftest import line, make_organisation, make_period, make_update

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

    Each loads the update, then both start together. An attempt that gets through holds its
    transaction open until the other one waits for its lock (or has finished), so that the
    other really runs against an uncommitted change. Returns "won" or the exception's name.
    """
    start = threading.Barrier(2, timeout=SECONDS)
    pids: dict[int, int] = {}
    finished = [threading.Event(), threading.Event()]
    outcomes = ["did not finish", "did not finish"]

    def run(index: int, attempt: Attempt) -> None:
        try:
            update = StatusUpdate.objects.get(pk=update_pk)
            pids[index] = backend_pid()
            start.wait()
            with transaction.atomic():
                attempt(update)
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
