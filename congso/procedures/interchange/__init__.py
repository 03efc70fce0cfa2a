"""The catalogue interchange format (JSON and Excel), documented in docs/procedures.md.

`validate_catalogue(data)` (validation.py) checks a whole document and returns clean
`ProcedureData` records (records.py), or raises one `ValidationFailed` listing every problem (path,
stable code, Vietnamese message; collected by checker.py), so an import either applies everything
or nothing. `procedure_to_dict` (export.py) is the inverse used by export; excel.py converts the
JSON form to and from a workbook; format.py holds the format's name and keys.
"""
