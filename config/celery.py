"""Celery application. Without CELERY_BROKER_URL tasks run eagerly in-process (embedded default).

Database connections in a worker follow Django's own rule (`DB_CONN_MAX_AGE`, health-checked),
as a web request's do: Celery's Django fix-up would otherwise close every connection before and
after each task, so each task paid for a new PostgreSQL backend (~10 ms of CPU on both sides).

Each pool process imports what its tasks use once, then freezes the garbage collector's view of
everything alive at that point (`gc.freeze`): the modules, Django's and pyHanko's tables are
never freed, yet every full collection walked all of them again (about 15 % of a PDF signature
validation in a worker, measured in the exchange bench; see docs/benchmarks.md, stop 13).
"""

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init

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


# What a worker's tasks import on first use (signature validation, the edXML codec, PDF text):
# imported before the freeze, so their module-level objects are frozen too.
WORKER_PRELOAD = (
    "congso.signatures.services",
    "congso.exchange.services.receiving_batch",
    "congso.exchange.services.applying",
    "congso.exchange.services.sending",
)


@worker_process_init.connect
def _long_lived_objects_frozen(**_: Any) -> None:
    """In each pool process, once: import what the tasks use, then move every object alive now
    out of the collector's generations (`gc.freeze`), so full collections walk only what tasks
    allocate. Nothing is leaked: frozen objects were alive for the process's life anyway."""
    import importlib

    from congso.core.gcfreeze import long_lived_objects_frozen

    for name in WORKER_PRELOAD:
        importlib.import_module(name)
    long_lived_objects_frozen()
