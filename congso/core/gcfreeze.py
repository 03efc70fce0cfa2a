"""Long-lived processes (Celery pool processes, `congso hub serve`) freeze the garbage
collector's view of what is alive once start-up is over (ADR 0022): modules, Django's and
pyHanko's tables are never freed, yet every full collection walked all of them again. They
also collect their youngest generation less often (`GC_THRESHOLDS`): a PAdES validation or a
package reading allocates tens of thousands of small objects, and with CPython's default (a
collection every 700 allocations) each one set off a few collections of objects still in use."""

from __future__ import annotations

import gc

from django.conf import settings


def long_lived_objects_frozen() -> None:
    """Collect once, then move every object alive now out of the collector's generations
    (`gc.freeze`): full collections walk only what is allocated afterwards; then the
    collector's thresholds of GC_THRESHOLDS (empty: CPython's own). Call it after importing
    what the process will use."""
    gc.collect()
    gc.freeze()
    thresholds = tuple(int(value) for value in getattr(settings, "GC_THRESHOLDS", ()))
    if thresholds:
        gc.set_threshold(*thresholds)
