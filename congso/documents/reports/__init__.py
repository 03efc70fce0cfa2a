"""Rendering of registers and reports (PDF with reportlab, Excel with openpyxl).

The data comes from `congso.documents.services.registers_report`; case-file exports live in
`casefile_export`.
"""
