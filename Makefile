# The targets are exactly what CI runs. Each one sets up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: verify test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

verify: $(STAMP)
	$(BIN)/derivcheck verify

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check checker derivations tests bench
	$(BIN)/mypy

bench: $(STAMP)
	# Byte-compile our sources as pip does for installed packages (PYTHONDONTWRITEBYTECODE
	# would otherwise make every measured start-up recompile them).
	$(BIN)/python -m compileall -q checker derivations
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
