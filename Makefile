# The two commands the README starts with. Both set up everything on a fresh clone.
#   make demo   run the whole job (both DAGs) on the sample reports with embedded defaults
#   make test   lint, type-check and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo ui test lint typecheck pytest bench clean

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
