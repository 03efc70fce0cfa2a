"""Kon Tum demo catalogue (2019–2020): `procedure_demo_load()` reads procedures.json."""

from congso.procedures.demo.loader import procedure_demo_load

__all__ = ["procedure_demo_load"]
