# The two commands the README starts with. Both set up everything on a fresh clone.
#   make demo   run the whole job (both DAGs) on the sample reports with embedded defaults
#   make test   lint, type-check and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo ui cluster cluster-stop test lint typecheck pytest bench clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[airflow,dev,ocr,serve]'
	@touch $@

demo: $(STAMP)
	bash scripts/demo.sh

# The Airflow UI on what `make demo` set up (127.0.0.1:8080; Ctrl-C stops it).
ui: $(STAMP)
	bash scripts/ui.sh

# The production profile on this machine (docs/deploy.md): api-server, scheduler, dag-processor,
# triggerer and two Celery workers against PostgreSQL and Redis, configured by deploy/cluster.env
# (made from deploy/cluster.env.example the first time). Ctrl-C or `make cluster-stop` stops it.
cluster: $(STAMP)
	@test -f deploy/cluster.env || cp deploy/cluster.env.example deploy/cluster.env
	$(BIN)/python -m selfeval_airflow.cluster --env-file deploy/cluster.env

CLUSTER_PID := var/cluster/airflow/cluster.pid
cluster-stop:
	@if [ -f $(CLUSTER_PID) ]; then \
	  pid=$$(cat $(CLUSTER_PID)); kill -TERM $$pid; \
	  while kill -0 $$pid 2>/dev/null; do sleep 1; done; echo "cluster stopped"; \
	else echo "no cluster running ($(CLUSTER_PID) not found)"; fi

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_extract.py
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_formats.py

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
