"""Long-lived processes (Celery pool processes, `congso hub serve`) freeze the garbage
collector's view of what is alive once start-up is over (ADR 0022): modules, Django's and
pyHanko's tables are never freed, yet every full collection walked all of them again."""

from __future__ import annotations

import gc


def long_lived_objects_frozen() -> None:
    """Collect once, then move every object alive now out of the collector's generations
    (`gc.freeze`): full collections walk only what is allocated afterwards. Call it after
    importing what the process will use."""
    gc.collect()
    gc.freeze()
