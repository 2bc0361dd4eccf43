# The two commands a new user runs: `make demo` and `make test`. Both set everything up first.
VENV   ?= .venv
PY     := $(VENV)/bin/python
KYVAT  := $(VENV)/bin/kyvat
PORT   ?= 8000
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test setup system-deps bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,bench]"
	rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)

# Debian packages the browser tests need (Chromium); installs them only when missing.
system-deps:
	@bash tools/system-deps.sh

demo: setup
	$(KYVAT) serve -c collection --port $(PORT)

# Front-end packages the browser tests load from disk (axe-core, Mirador), pinned by the lock file.
tests/js/node_modules/.installed: tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	touch $@

test: setup system-deps tests/js/node_modules/.installed
	$(PY) -m pytest -q

bench: setup
	$(PY) bench/tiles.py
	$(PY) bench/search.py

clean:
	rm -rf $(VENV) _site .kyvat-cache
