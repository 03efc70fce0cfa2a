"""Input fields shared by every app's API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

ID_MAX = 2**63 - 1  # BigAutoField (DEFAULT_AUTO_FIELD): a larger number names no row


class IdField(serializers.IntegerField):
    """A row's id given as input (filter or body): a positive integer the database can hold.
    Without the bound, a number of 2^63 or more reaches the database and fails there (500)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)
