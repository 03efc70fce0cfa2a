"""Sync with the national public-service portal (Cổng DVC quốc gia).

Outbox, legacy adapter, catalogue pull, reconciliation; docs/portalsync.md.
"""
