# Two commands do everything on a fresh machine: `make demo` and `make test` (both run `make setup`).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
BENCH_ARGS ?=
SOAK_ARGS ?=
# Besides the whole suite in English, `make test` runs the e2e tests marked `locales` against the portal in each of
# these languages (LOCALES= skips them); each keeps its own reports/junit-LOCALE.xml.
LOCALES ?= fr ja
LOCALE_PYTEST = echo "== the e2e tests marked locales, the portal in $$locale"; $(BIN)/python -m pytest tests/e2e -n auto -m locales --portal-locale $$locale \
	-o junit_suite_name=pytest-$$locale --junitxml=reports/junit-$$locale.xml

.PHONY: setup browser serve demo test test-unit test-e2e test-shard durations lint bench soak mutants clean help

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: $(STAMP) browser  ## Install everything: venv, the package with dev tools, a Chromium, Playwright's ffmpeg, a CJK font

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

browser: $(STAMP)
	@$(BIN)/python -m automation.setup_browser

serve: setup  ## Run the portal, SMTP catcher and mail API with the demo account
	$(BIN)/python -m mock_portal

demo: setup  ## Record the narrated renewal demo into artifacts/demo/
	$(BIN)/renewals demo

test: setup  ## The import boundary, unit and e2e suites in parallel, then the `locales` e2e subset in fr and ja; reports in reports/
	$(BIN)/lint-imports
	@status=0; \
	$(BIN)/python -m pytest -n auto --junitxml=reports/junit.xml --html=reports/report.html --self-contained-html $(PYTEST_ARGS) \
		|| status=1; \
	for locale in $(LOCALES); do \
		$(LOCALE_PYTEST) --html=reports/report-$$locale.html --self-contained-html $(PYTEST_ARGS) || status=1; \
	done; \
	exit $$status

bench: setup  ## Benchmarks vs their targets (< 10 min): benchmarks/results.json, results.md, chart.png; BENCH_ARGS=--quick
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

soak: setup  ## Mixed traffic against a fresh portal (≤ 5 min, loopback): requests, errors, p95, RSS → reports/soak.json
	$(BIN)/python -m benchmarks.soak $(SOAK_ARGS)

mutants: setup  ## e2e suite vs each portal mutant in tests/mutants/, at HEAD (slow); MUTANTS_ONLY=03,11
	$(BIN)/python -m tests.mutants

lint: setup  ## ruff, mypy and the import boundary (lint-imports)
	$(BIN)/lint-imports
	$(BIN)/ruff check mock_portal automation tests
	$(BIN)/mypy mock_portal automation

clean:  ## Remove the venv, databases and reports
	rm -rf $(VENV) instance var reports artifacts test-results .pytest_cache

SHARD  ?= 1
SHARDS ?= 2
test-shard: setup  ## One of SHARDS shards of the suite (pytest-split, by the durations in .test_durations), and its LOCALES
	$(BIN)/lint-imports
	@status=0; \
	$(BIN)/python -m pytest -n auto --splits $(SHARDS) --group $(SHARD) --junitxml=reports/junit-$(SHARD).xml $(PYTEST_ARGS) \
		|| status=1; \
	index=0; \
	for locale in $(LOCALES); do \
		if [ $$((index % $(SHARDS) + 1)) -eq $(SHARD) ]; then $(LOCALE_PYTEST) $(PYTEST_ARGS) || status=1; fi; \
		index=$$((index + 1)); \
	done; \
	exit $$status

durations: setup  ## Re-measure the test durations that balance the shards
	$(BIN)/python -m pytest --store-durations --durations-path .test_durations $(PYTEST_ARGS)
