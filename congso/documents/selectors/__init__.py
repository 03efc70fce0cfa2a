"""Reads of the documents domain (selectors), one module per part."""
