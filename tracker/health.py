"""/health/ for the load balancer: can this app server serve? (django-health-check)

It checks the database, the cache, the evidence storage and the task queue, and answers 200 "ok"
or 500 "unavailable" and nothing more: it is open to anyone, so it names no host, check or error.
What failed is logged (health_check's own warnings, with the reason) for the operator.
"""

import asyncio
import dataclasses

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connections
from django.http import HttpResponse
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from health_check import Cache, Database, HealthCheck, Storage
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """The task backend accepts work: with the database backend, its table can be read.

    Whether a worker is running is not asked here: a dead worker delays reports but every app
    server can still serve, and taking them all out of the load balancer would be worse.
    """

    def run(self):
        if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
            return  # the immediate backend runs each task in the request: nothing to reach
        from django_tasks_db.models import DBTaskResult

        try:
            with connections[DBTaskResult.objects.db].temporary_connection():
                DBTaskResult.objects.ready().exists()
        except DatabaseError as error:
            raise ServiceUnavailable("task queue unreadable") from error


class HealthView(HealthCheckView):
    checks = (
        Database,
        Cache,
        (Storage, {"alias": "evidence"}),
        TaskQueue,
    )

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        healthy = not any(result.error for result in results)
        return HttpResponse(
            "ok\n" if healthy else "unavailable\n",
            status=200 if healthy else 500,
            content_type="text/plain; charset=utf-8",
        )


health = login_not_required(HealthView.as_view())
