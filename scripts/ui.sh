#!/usr/bin/env bash
# Open the Airflow UI on what `make demo` set up (make ui calls this): scheduler, DAG processor,
# triggerer and the UI in one process tree, on this machine only (127.0.0.1:8080).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

mkdir -p "$AIRFLOW_HOME"
"$BIN/airflow" db migrate >"$VAR/airflow-db-migrate.log" 2>&1 \
  || { cat "$VAR/airflow-db-migrate.log"; exit 1; }
PASSWORD="$(admin_password)"
PASSWORDS="$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"
cat <<MSG
Airflow UI:  http://$AIRFLOW__API__HOST:${AIRFLOW__API__PORT:-8080}   (stop with Ctrl-C)
  user:      admin
  password:  $PASSWORD   (kept in $PASSWORDS)
  自评汇总:   http://$AIRFLOW__API__HOST:${AIRFLOW__API__PORT:-8080}/selfeval/
  The annual DAG waits for approval: Browse → Required Actions.
MSG
exec "$BIN/airflow" standalone
