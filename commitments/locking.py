"""When two transactions get in each other's way, the database gives one of them up: worth one
more try, or a "try again", never a server error."""

from django.db import DatabaseError

# PostgreSQL's serialization_failure and deadlock_detected: the transaction was undone whole.
GIVEN_UP = {"40001", "40P01"}


def is_transient(error: DatabaseError) -> bool:
    """Whether ``error`` says the transaction lost a race for a lock, rather than that something is wrong."""
    return getattr(error.__cause__, "sqlstate", None) in GIVEN_UP or "database is locked" in str(error)
