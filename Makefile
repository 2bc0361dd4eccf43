# The two commands a new user runs: `make demo` and `make test`. Both set everything up first.
VENV   ?= .venv
PY     := $(VENV)/bin/python
KYVAT  := $(VENV)/bin/kyvat
PORT   ?= 8000
SUM    := $(shell cksum < pyproject.toml | cut -d' ' -f1)
LOCALE := src/kyvat/locale
PO     := $(wildcard $(LOCALE)/*/LC_MESSAGES/kyvat.po)

.PHONY: demo test setup system-deps bench clean messages

# One stamp per need, redone when pyproject.toml changes: the demo installs kyvat alone, the tests
# add pytest and Playwright, the benchmarks also pyvips (bench/search.py drives the browser too).
EXTRAS_demo  :=
EXTRAS_test  := [test]
EXTRAS_bench := [test,bench]

# The install compiles the message catalogues (setup.py), so it is redone when a translation changes.
$(VENV)/.installed-%-$(SUM): pyproject.toml $(PO)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".$(EXTRAS_$*)"
	rm -f $(VENV)/.installed-$*-* && touch $@

setup: $(VENV)/.installed-test-$(SUM)

# After changing the CLI's words: extract them (babel.cfg) into kyvat.pot, merge it into each
# language's kyvat.po (translate what is new or marked fuzzy there), and compile. Needs Babel (setup).
messages: $(VENV)/.installed-test-$(SUM)
	$(PY) -m babel.messages.frontend extract -F babel.cfg --add-location=file --sort-output --no-wrap \
		--project kyvat --copyright-holder "kyvat's authors" --msgid-bugs-address "" -o $(LOCALE)/kyvat.pot src/kyvat
	$(PY) -m babel.messages.frontend update -i $(LOCALE)/kyvat.pot -d $(LOCALE) -D kyvat --no-wrap --ignore-obsolete
	$(PY) -m babel.messages.frontend compile -d $(LOCALE) -D kyvat --statistics

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
