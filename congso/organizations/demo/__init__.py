"""Kon Tum demo data for the organisation directory (docs standards.md §10)."""

from congso.organizations.demo.loader import administrative_units_load, kontum_demo_load

__all__ = ["administrative_units_load", "kontum_demo_load"]
