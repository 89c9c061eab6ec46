# The targets are exactly what CI runs. Each sets up .venv on first use: `verify` with
# the runtime dependencies only, `test`, `lint` and `bench` with the development tools too.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
# The HTML report's tests (tests/test_html_report.py) drive Debian's Chromium, headless and
# offline; $(DERIVCHECK_CHROMIUM) names another binary. The browser is its own stamp: make
# looks for the file itself on every run, so a removed browser is installed again.
BROWSER := $(or $(DERIVCHECK_CHROMIUM),/usr/bin/chromium)

.PHONY: verify test lint bench mutation autograder clean

$(RUNTIME): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

$(DEV): $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV)

$(BROWSER):
	@if [ -n "$(DERIVCHECK_CHROMIUM)" ]; then \
	  echo "make: DERIVCHECK_CHROMIUM names $@, which is not there" >&2; exit 1; \
	fi
	@if [ "$$(id -u)" != 0 ]; then \
	  echo "make: the HTML report tests need Chromium at $@, and installing it needs root:" >&2; \
	  echo "  sudo apt-get install -y chromium" >&2; \
	  exit 1; \
	fi
	@echo "installing Chromium for the HTML report tests (apt-get)"
	@apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq --no-install-recommends chromium >/dev/null
	@test -x $@ || { echo "make: chromium is installed, but $@ is not there" >&2; exit 1; }

# The reference answers, then the course's corrected solution document, every link of it.
verify: $(RUNTIME)
	$(BIN)/derivcheck verify
	$(BIN)/derivcheck doc -q examples/solutions/assignment-1-solutions-corrected.tex

test: $(DEV) $(BROWSER)
	$(BIN)/python -m pytest -q

lint: $(DEV)
	$(BIN)/ruff check checker derivations tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo --no-cache

bench: $(DEV)
	# Byte-compile our sources as pip does for installed packages (PYTHONDONTWRITEBYTECODE
	# would otherwise make every measured start-up recompile them).
	$(BIN)/python -m compileall -q checker derivations
	$(BIN)/python bench/run.py

# Plants realistic bugs one at a time and runs the tests that should notice (tools/README.md);
# slow, so not part of CI.
mutation: $(DEV)
	$(BIN)/python tools/mutation.py -x -q

# The Gradescope autograder bundle (autograder/README.md): dist/autograder.zip.
autograder:
	autograder/build.sh

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
