"""A partial, covering index for the overdue sweep (issue 6, Performance; docs/benchmarks.md).

`dossiers_overdue` without an agency reads every running dossier past its return date. The
index holds only dossiers whose clock runs (status received/processing, not paused), ordered as
the selector orders them and covering the columns the sweep reads, so the sweep is an index-only
scan of the overdue part instead of a scan of the whole table. Raw SQL, so the model state is
unchanged; PostgreSQL only (SQLite has no INCLUDE, and its databases are small).
"""

from django.db import migrations

NAME = "dossier_overdue_sweep"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {NAME} ON dossiers_dossier (due_at, id) "
    "INCLUDE (handling_agency_id, receiving_agency_id) "
    "WHERE status IN ('received', 'processing') AND paused_at IS NULL"
)


def create(apps, schema_editor):  # noqa: ANN001, ARG001
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):  # noqa: ANN001, ARG001
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0002_portal_status_mapping")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
