#!/usr/bin/env bash
# Documents benchmark on a scratch PostgreSQL database (never your working one):
#   bench/documents.sh [DOCS] [DBNAME]        e.g. bench/documents.sh 1000000
# Creates DBNAME afresh, migrates, runs `congso bench documents --docs DOCS`, keeps the JSON
# (last stdout line) in var/bench/documents-DOCS.json and the progress log beside it.
# The heavy code is congso/documents/bench.py (and bench_corpus.py); figures: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS="${1:-100000}"
DB="${2:-congso_bench_documents}"
HOST="${PGHOST:-127.0.0.1}"
mkdir -p var/bench
dropdb -h "$HOST" -U postgres --if-exists "$DB"
createdb -h "$HOST" -U postgres "$DB"
export DATABASE_URL="postgres://postgres@${HOST}:5432/${DB}"
.venv/bin/congso migrate -v0
start=$(date +%s)
.venv/bin/congso bench documents --docs "$DOCS" \
  2> "var/bench/documents-${DOCS}.log" | tail -n 1 > "var/bench/documents-${DOCS}.json"
echo "took $(( $(date +%s) - start )) s; result: var/bench/documents-${DOCS}.json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print({k: d[k] for k in ('docs','bulk_docs_per_s','search_p95_ms','list_p95_ms','concurrent_gap_free')})" "var/bench/documents-${DOCS}.json"
