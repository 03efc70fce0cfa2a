"""Spies on the documents app's background work, for tests of any app."""

from __future__ import annotations

from typing import Any

import pytest


def text_task_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The file ids of every PDF-text task sent from now on (the task still runs)."""
    from congso.documents import tasks

    calls: list[list[int]] = []
    original = tasks.stored_files_text_fill_task.delay

    def spy(**kwargs: Any) -> Any:
        calls.append(sorted(kwargs["file_ids"]))
        return original(**kwargs)

    monkeypatch.setattr(tasks.stored_files_text_fill_task, "delay", spy)
    return calls
