# The targets are exactly what CI runs. Each sets up .venv on first use: `verify` with
# the runtime dependencies only, `test`, `lint` and `bench` with the development tools too.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

.PHONY: verify test lint bench clean

$(RUNTIME): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

$(DEV): $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV)

verify: $(RUNTIME)
	$(BIN)/derivcheck verify

test: $(DEV)
	$(BIN)/python -m pytest -q

lint: $(DEV)
	$(BIN)/ruff check checker derivations tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo --no-cache

bench: $(DEV)
	# Byte-compile our sources as pip does for installed packages (PYTHONDONTWRITEBYTECODE
	# would otherwise make every measured start-up recompile them).
	$(BIN)/python -m compileall -q checker derivations
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
