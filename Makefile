# Two commands do everything on a fresh machine: `make demo` and `make test` (both run `make setup`).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements.lock
PYTEST_ARGS ?=
BENCH_ARGS ?=
SOAK_ARGS ?=
# Besides the whole suite in English, `make test` runs the e2e tests marked `locales` against the portal in each of
# these languages (LOCALES= skips them); each keeps its own reports/junit-LOCALE.xml.
LOCALES ?= fr ja
# tests/e2e runs in its own pytest: pytest-playwright's session Playwright can't share a worker with the integration
# tests that start their own.
# Each pytest run keeps its failures' traces, videos and screenshots in its own folder under $(RESULTS):
# pytest-playwright empties its --output folder when a run starts, so runs sharing one would keep only the last's.
RESULTS ?= test-results
SUITE_PYTEST = echo "== tests/unit and tests/integration"; $(BIN)/python -m pytest tests/unit tests/integration -n auto \
	--output $(RESULTS)/suite
E2E_PYTEST = echo "== tests/e2e"; $(BIN)/python -m pytest tests/e2e -n auto --output $(RESULTS)/e2e
LOCALE_PYTEST = echo "== the e2e tests marked locales, the portal in $$locale"; $(BIN)/python -m pytest tests/e2e -n auto -m locales --portal-locale $$locale \
	--output $(RESULTS)/$$locale -o junit_suite_name=pytest-$$locale --junitxml=reports/junit-$$locale.xml

.PHONY: setup lock browser serve demo test test-unit test-integration test-e2e test-shard durations lint bench soak mutants clean help

help:  ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: $(STAMP) browser  ## Install everything: venv, the package with dev tools, a Chromium, Playwright's ffmpeg, a CJK font

# Installs come from the lock: exact versions, each checked against its hashes, so two runs a month apart test the same
# code. `make lock` re-resolves it after a change to the dependencies in pyproject.toml. pip-sync (pip-tools, itself
# installed from the lock by the line before) then removes what the lock no longer names, so a dependency dropped
# from pyproject.toml can't stay importable in an old venv; it removes the project too, installed again last.
$(STAMP): $(LOCK) pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --require-hashes -r $(LOCK)
	$(BIN)/pip-sync --quiet --pip-args "--require-hashes" $(LOCK)
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	@touch $@

lock:  ## Re-resolve requirements.lock (exact versions with hashes) from pyproject.toml, then install it
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/pip-compile || $(BIN)/python -m pip install -q pip-tools  # first lock only; then pinned in the lock
	$(BIN)/pip-compile --quiet --extra dev --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --output-file $(LOCK) pyproject.toml
	@$(MAKE) --no-print-directory setup

browser: $(STAMP)
	@$(BIN)/python -m automation.setup_browser

serve: setup  ## Run the portal, SMTP catcher and mail API with the demo account
	$(BIN)/python -m mock_portal

demo: setup  ## Record the narrated renewal demo into artifacts/demo/
	$(BIN)/renewals demo

test: setup  ## lint-imports, then tests/unit + tests/integration, tests/e2e, and the `locales` e2e subset in fr and ja; reports in reports/
	$(BIN)/lint-imports
	@status=0; \
	$(SUITE_PYTEST) --junitxml=reports/junit.xml --html=reports/report.html --self-contained-html $(PYTEST_ARGS) || status=1; \
	$(E2E_PYTEST) --junitxml=reports/junit-e2e.xml --html=reports/report-e2e.html --self-contained-html $(PYTEST_ARGS) || status=1; \
	for locale in $(LOCALES); do \
		$(LOCALE_PYTEST) --html=reports/report-$$locale.html --self-contained-html $(PYTEST_ARGS) || status=1; \
	done; \
	exit $$status

test-unit: setup  ## tests/unit only: no browser, no server process (about a minute)
	$(BIN)/python -m pytest tests/unit -n auto $(PYTEST_ARGS)

test-integration: setup  ## tests/integration only: servers, browsers, subprocesses, the CLI
	$(BIN)/python -m pytest tests/integration -n auto $(PYTEST_ARGS)

test-e2e: setup  ## tests/e2e only, in English
	$(E2E_PYTEST) $(PYTEST_ARGS)

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
test-shard: RESULTS = test-results/shard-$(SHARD)
test-shard: setup  ## One of SHARDS shards of each suite (pytest-split, by the durations in .test_durations), and its LOCALES
	$(BIN)/lint-imports
	@status=0; \
	$(SUITE_PYTEST) --splits $(SHARDS) --group $(SHARD) --junitxml=reports/junit-$(SHARD).xml $(PYTEST_ARGS) || status=1; \
	$(E2E_PYTEST) --splits $(SHARDS) --group $(SHARD) --junitxml=reports/junit-e2e-$(SHARD).xml $(PYTEST_ARGS) || status=1; \
	index=0; \
	for locale in $(LOCALES); do \
		if [ $$((index % $(SHARDS) + 1)) -eq $(SHARD) ]; then $(LOCALE_PYTEST) $(PYTEST_ARGS) || status=1; fi; \
		index=$$((index + 1)); \
	done; \
	exit $$status

durations: setup  ## Re-measure the test durations that balance the shards
	$(BIN)/python -m pytest tests/unit tests/integration --store-durations --durations-path .test_durations $(PYTEST_ARGS)
	$(BIN)/python -m pytest tests/e2e --store-durations --durations-path .test_durations $(PYTEST_ARGS)
