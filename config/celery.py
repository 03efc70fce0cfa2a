"""Celery application. Without CELERY_BROKER_URL tasks run eagerly in-process (embedded default).

Database connections in a worker follow Django's own rule (`DB_CONN_MAX_AGE`, health-checked),
as a web request's do: Celery's Django fix-up would otherwise close every connection before and
after each task, so each task paid for a new PostgreSQL backend (~10 ms of CPU on both sides).
"""

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("congso")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The fix-up closes connections only every 2 × this many tasks: in effect never; the handlers
# below close the ones Django says are too old, broken or left in an error state.
app.conf.update(CELERY_DB_REUSE_MAX=1 << 30)
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _connections_tidy(sender: Any = None, **_: Any) -> None:
    """Before and after each task run by a worker (not an eager one, which runs inside its
    caller's request or transaction): close connections past `CONN_MAX_AGE` or unusable."""
    request = getattr(sender, "request", None)
    if getattr(request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
