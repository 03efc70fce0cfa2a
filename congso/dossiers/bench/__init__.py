"""The Django side of `congso bench services` (issue 6, Performance); orchestration, the server
and the load generator live in bench/services.py.

- `dossiers_generate` (generation.py): N synthetic dossiers written with PostgreSQL COPY
  (agencies, procedures, statuses and dates of the demo catalogue; events for every dossier, steps
  for those being or done processing, a rich history for a sample received at the province's
  service centre);
- `detail_measure` (measurements.py): the detail API (`GET /api/v1/dossiers/{id}/`, history
  included) in process;
- `sweep_measure` (measurements.py): the overdue sweep over every open dossier
  (`dossiers_overdue`) and its plan;
- `submit_measure` (measurements.py): draft + component files + submit through the real services;
- `urlpatterns` (urls.py): the urlconf of the benchmark server — the project's URLs plus a bare
  view;
- `demo_ensure` (demo.py): the demo organisation, accounts and catalogue the benchmark runs on;
- `require_postgresql` (postgresql.py): the benchmark's one requirement.
"""

from congso.dossiers.bench.demo import demo_ensure
from congso.dossiers.bench.generation import Generated, dossiers_generate
from congso.dossiers.bench.measurements import detail_measure, submit_measure, sweep_measure
from congso.dossiers.bench.postgresql import BenchUnavailable, require_postgresql
from congso.dossiers.bench.urls import BARE_PATH

__all__ = [
    "BARE_PATH",
    "BenchUnavailable",
    "Generated",
    "demo_ensure",
    "detail_measure",
    "dossiers_generate",
    "require_postgresql",
    "submit_measure",
    "sweep_measure",
]
