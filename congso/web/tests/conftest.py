from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in Vietnamese, whatever a previous test switched to."""
    with translation.override("vi"):
        yield
