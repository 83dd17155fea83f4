# The embedded defaults both `make demo` and `make ui` run with (sourced, not executed).
# Override any of them by exporting it first. Everything lives under ./var/: the Airflow home
# with SQLite metadata, the shared folder, and the SQLite warehouse inside it.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${BIN:-$ROOT/.venv/bin}"
VAR="${SELFEVAL_VAR:-$ROOT/var}"
# Airflow starts its own processes by name (`airflow scheduler` …): the venv must be on PATH.
export PATH="$BIN:$PATH"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$VAR/airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="${AIRFLOW__CORE__DAGS_FOLDER:-$ROOT/dags}"
export AIRFLOW__CORE__PLUGINS_FOLDER="${AIRFLOW__CORE__PLUGINS_FOLDER:-$ROOT/plugins}"
export AIRFLOW__CORE__LOAD_EXAMPLES="${AIRFLOW__CORE__LOAD_EXAMPLES:-False}"
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="${AIRFLOW__DATABASE__SQL_ALCHEMY_CONN:-sqlite:///$AIRFLOW_HOME/airflow.db}"
# The UI listens on this machine only unless told otherwise.
export AIRFLOW__API__HOST="${AIRFLOW__API__HOST:-127.0.0.1}"
export SELFEVAL_SHARE="${SELFEVAL_SHARE:-$VAR/share}"
export SELFEVAL_WAREHOUSE_URL="${SELFEVAL_WAREHOUSE_URL:-sqlite:///$SELFEVAL_SHARE/warehouse.db}"
export GX_ANALYTICS_ENABLED=false
# The UI's login (user admin): Airflow's simple auth manager keeps the password in this file; made
# here when missing, so that `make ui` can print it and `make demo` can approve through the API.
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS:-admin:admin}"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE:-$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated}"
admin_password() {
  mkdir -p "$AIRFLOW_HOME"
  local file="$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"
  [ -s "$file" ] || "$BIN/python" -c \
    'import json, secrets, sys; json.dump({"admin": secrets.token_urlsafe(12)}, open(sys.argv[1], "w"))' \
    "$file"
  "$BIN/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["admin"])' "$file"
}
