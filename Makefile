# The two commands a new user runs: `make demo` and `make test`. Both set everything up first.
VENV   ?= .venv
PY     := $(VENV)/bin/python
KYVAT  := $(VENV)/bin/kyvat
PORT   ?= 8000
SUM    := $(shell cksum < pyproject.toml | cut -d' ' -f1)

.PHONY: demo test setup system-deps bench clean

# One stamp per need, redone when pyproject.toml changes: the demo installs kyvat alone, the tests
# add pytest and Playwright, the benchmarks also pyvips (bench/search.py drives the browser too).
EXTRAS_demo  :=
EXTRAS_test  := [test]
EXTRAS_bench := [test,bench]

$(VENV)/.installed-%-$(SUM): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".$(EXTRAS_$*)"
	rm -f $(VENV)/.installed-$*-* && touch $@

setup: $(VENV)/.installed-test-$(SUM)

# Debian packages the tests need (Chromium, FFmpeg, fonts); installs them only when missing.
system-deps:
	@bash tools/system-deps.sh

demo: $(VENV)/.installed-demo-$(SUM)
	$(KYVAT) serve -c collection --port $(PORT)

# Front-end packages the browser tests load from disk (axe-core, Mirador), pinned by the lock file.
tests/js/node_modules/.installed: tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.installed-test-$(SUM) system-deps tests/js/node_modules/.installed
	$(PY) -m pytest -q

bench: $(VENV)/.installed-bench-$(SUM) system-deps
	$(PY) bench/tiles.py
	$(PY) bench/search.py
	$(PY) bench/research_repeat.py
	$(PY) bench/pages.py

clean:
	rm -rf $(VENV) _site .kyvat-cache
