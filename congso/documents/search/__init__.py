"""Backend-specific parts of document search (PostgreSQL full text, SQLite FTS5, a LIKE fallback).

The selector `congso.documents.selectors.search.document_search` is the one entry point for reads;
`congso.documents.services.search_index` keeps the index in step.
"""
