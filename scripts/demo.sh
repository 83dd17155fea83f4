#!/usr/bin/env bash
# Run the whole job on the sample reports with embedded defaults, then say where everything is.
#
#   bash scripts/demo.sh            (make demo calls this)
#
# Defaults (override any by exporting it first): everything lives under ./var/ — Airflow home
# with SQLite metadata, the shared folder, and the SQLite warehouse inside it. Alerts go to
# .eml files in <share>/outbox/ unless an smtp_default connection is configured
# (AIRFLOW_CONN_SMTP_DEFAULT). Safe to re-run: files already loaded are recognised by hash.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
FISCAL_YEAR="${FISCAL_YEAR:-2024}"

mkdir -p "$AIRFLOW_HOME" "$SELFEVAL_SHARE/inbox/samples"
# The sample reports and registry; by content hash, a second run loads nothing new.
cp "$ROOT"/tests/fixtures/seeds/*.txt "$SELFEVAL_SHARE/inbox/samples/"
[ -f "$SELFEVAL_SHARE/units.csv" ] || cp "$ROOT/samples/units.csv" "$SELFEVAL_SHARE/units.csv"

echo "== airflow db migrate ($AIRFLOW_HOME)"
"$BIN/airflow" db migrate >"$VAR/airflow-db-migrate.log" 2>&1 \
  || { cat "$VAR/airflow-db-migrate.log"; exit 1; }

run() {
  local dag_id="$1"; shift
  echo "== airflow dags test $dag_id $*"
  local log="$VAR/$dag_id.log"
  if ! "$BIN/airflow" dags test "$dag_id" "$@" >"$log" 2>&1; then
    tail -40 "$log"; echo "$dag_id failed; full log: $log" >&2; exit 1
  fi
  # `airflow dags test` can exit 0 when the run failed: require the run's final state.
  if ! grep -q "DagRun Finished: dag_id=$dag_id, .* state=success" "$log"; then
    tail -40 "$log"; echo "$dag_id run failed; full log: $log" >&2; exit 1
  fi
  echo "   ok (log: $log)"
}

run selfeval_intake
run selfeval_annual_consolidation -c "{\"fiscal_year\": $FISCAL_YEAR}"

cat <<MSG

Done. Where things are:
  warehouse   $SELFEVAL_WAREHOUSE_URL
  feedback    $SELFEVAL_SHARE/feedback/<unit>/   (Markdown and HTML per submission)
  published   $SELFEVAL_SHARE/published/$FISCAL_YEAR/
  alerts      $SELFEVAL_SHARE/outbox/*.eml       (when no smtp_default connection is set)
  archive     $SELFEVAL_SHARE/archive/           rejected: $SELFEVAL_SHARE/rejected/
  airflow     AIRFLOW_HOME=$AIRFLOW_HOME
See the runs in the Airflow UI: make ui   (then http://127.0.0.1:8080; the consolidation view is 自评汇总 in the navigation)
MSG
