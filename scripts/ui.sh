#!/usr/bin/env bash
# Open the Airflow UI on what `make demo` set up (make ui calls this): scheduler, DAG processor,
# triggerer and the UI in one process tree, on this machine only (127.0.0.1:8080).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

mkdir -p "$AIRFLOW_HOME"
"$BIN/airflow" db migrate >"$VAR/airflow-db-migrate.log" 2>&1 \
  || { cat "$VAR/airflow-db-migrate.log"; exit 1; }
cat <<MSG
Airflow UI: http://$AIRFLOW__API__HOST:${AIRFLOW__API__PORT:-8080}   (stop with Ctrl-C)
  user admin; the password is printed below once Airflow starts, and kept in
  $AIRFLOW_HOME/simple_auth_manager_passwords.json.generated
MSG
exec "$BIN/airflow" standalone
