"""Connections the database dropped (a restart, a timeout): the next request is served.

Each test commits (it needs a second connection), and Django empties the database after such a
test; this module puts the seeds back after its last test, as tests/test_concurrency.py does.
"""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse

from .conftest import line, make_user

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a database server that can end a connection; runs in CI's PostgreSQL pass",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(scope="module", autouse=True)
def database_left_as_found(django_db_setup, django_db_blocker):
    """Put the seeds back after the last test here, whatever runs next and whether it asks for them."""
    yield
    with django_db_blocker.unblock():
        connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


def test_the_first_request_after_the_database_ended_the_connection_is_served():
    """A request through the WSGI handler, as a worker gets it: Django checks its connection when
    the request starts (close_old_connections), and finds this one ended by the server."""
    reader = make_user("reader", "Reviewer")
    session = Client()
    session.force_login(reader)
    cookie = f"sessionid={session.cookies['sessionid'].value}"
    connection.ensure_connection()
    other = connections.create_connection("default")  # as the server's timeout or a restart would
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
    other.close()

    environ = RequestFactory()._base_environ(PATH_INFO=reverse("commitments:plan-list"), HTTP_COOKIE=cookie)
    statuses = []
    b"".join(WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    assert statuses == ["200 OK"]
    assert line("poa-2026-2030", "1.1.1")  # and the connection serves the next query too
