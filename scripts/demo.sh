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

# The tasks run through the executor, which writes each task's log where the UI reads it
# (`airflow dags test` alone runs them in its own process and leaves the UI's logs empty); its
# workers report to an api-server, started here on a free port and stopped on exit.
API_PORT="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$API_PORT/execution/"
export AIRFLOW__API_AUTH__JWT_SECRET="${AIRFLOW__API_AUTH__JWT_SECRET:-$("$BIN/python" -c 'import secrets; print(secrets.token_hex(32))')}"
setsid "$BIN/airflow" api-server -H 127.0.0.1 -p "$API_PORT" -w 1 >"$VAR/demo-api-server.log" 2>&1 &
API_PID=$!
APPROVER=""
trap 'kill -TERM -- "-$API_PID" 2>/dev/null || true; [ -z "$APPROVER" ] || kill "$APPROVER" 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  curl -fs "http://127.0.0.1:$API_PORT/api/v2/monitor/health" >/dev/null 2>&1 && break
  kill -0 "$API_PID" 2>/dev/null || { tail -20 "$VAR/demo-api-server.log"; exit 1; }
  sleep 1
done

run() {
  local dag_id="$1"; shift
  echo "== airflow dags test $dag_id $*"
  local log="$VAR/$dag_id.log"
  if ! "$BIN/airflow" dags test "$dag_id" --use-executor "$@" >"$log" 2>&1; then
    tail -40 "$log"; echo "$dag_id failed; full log: $log" >&2; exit 1
  fi
  # `airflow dags test` can exit 0 when the run failed: require the run's final state.
  if ! grep -q "DagRun Finished: dag_id=$dag_id, .* state=success" "$log"; then
    tail -40 "$log"; echo "$dag_id run failed; full log: $log" >&2; exit 1
  fi
  echo "   ok (log: $log)"
}

run selfeval_intake
# The annual run waits for a person to approve its draft (in the UI: Browse → Required Actions);
# here scripts/approve.py answers through the REST API, printing what the person would read.
"$BIN/python" "$ROOT/scripts/approve.py" "http://127.0.0.1:$API_PORT" admin "$(admin_password)" \
  >"$VAR/approve.log" 2>&1 &
APPROVER=$!
run selfeval_annual_consolidation -c "{\"fiscal_year\": $FISCAL_YEAR}"
wait "$APPROVER" || { cat "$VAR/approve.log"; exit 1; }
echo "   approved through the REST API (what was approved: $VAR/approve.log)"

cat <<MSG

Done. Where things are:
  warehouse   $SELFEVAL_WAREHOUSE_URL
  feedback    $SELFEVAL_SHARE/feedback/<unit>/   (Markdown and HTML per submission)
  draft       $SELFEVAL_SHARE/drafts/$FISCAL_YEAR/    (what the approver reads before publishing)
  published   $SELFEVAL_SHARE/published/$FISCAL_YEAR/
  alerts      $SELFEVAL_SHARE/outbox/*.eml       (when no smtp_default connection is set)
  archive     $SELFEVAL_SHARE/archive/           rejected: $SELFEVAL_SHARE/rejected/
  airflow     AIRFLOW_HOME=$AIRFLOW_HOME
See the runs in the Airflow UI: make ui   (it prints the address, user and password; the consolidation view is 自评汇总 in the navigation)
MSG
