# roamsim — the two commands of the Quick start are `make simulate` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export NODE_OPTIONS ?= --no-warnings=ExperimentalWarning

STAMP := node_modules/.roamsim-install-stamp

$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: help install system typecheck unit lint features simulate test ci-simulate bench mocks conformance clean

help:
	@echo "make simulate     run every feature against the embedded mocks, reports in reports/ (living document: reports/living-doc/index.html)"
	@echo "make test         install, typecheck, unit tests, step lint, every feature in each mode"
	@echo "make ci-simulate  the CI job: features under coverage, JUnit/Allure/HTML/coverage/state coverage"
	@echo "make bench        npm run bench (one JSON line of measured figures)"
	@echo "make conformance SUT=osmo-hlr   the journeys against a real osmo-hlr, verdicts in reports/conformance/"

install: $(STAMP)

system:
	@bash scripts/setup-system.sh

typecheck: install
	npx tsc --noEmit -p tsconfig.json

unit: install
	node --require ./support/register.js --test tests/unit/*.test.ts

lint: install
	node scripts/lint-steps.js

features: install
	npx cucumber-js

# The living document (reports/living-doc/index.html) from what the run left behind. It compares with the
# previous run's summary, kept outside reports/ in .living-doc-history/ (as Allure history is kept).
LIVING_DOC = node --require ./support/register.js scripts/living-doc.ts --previous .living-doc-history/summary.json \
	&& mkdir -p .living-doc-history && rm -f .living-doc-history/previous.json \
	&& { [ ! -f .living-doc-history/summary.json ] || cp .living-doc-history/summary.json .living-doc-history/previous.json; } \
	&& cp reports/living-doc/summary.json .living-doc-history/summary.json

# A conformance run (make conformance) is not part of a simulation: its verdicts in reports/conformance/ survive
# the wipe of reports/ so the living document keeps showing the latest one per SUT.
KEEP_CONFORMANCE = rm -rf .conformance-keep; if [ -d reports/conformance ]; then mv reports/conformance .conformance-keep; fi
RESTORE_CONFORMANCE = if [ -d .conformance-keep ]; then mv .conformance-keep reports/conformance; fi

simulate: install
	@$(KEEP_CONFORMANCE); rm -rf reports && mkdir -p reports; $(RESTORE_CONFORMANCE)
	npx cucumber-js; status=$$?; node scripts/merge-metrics.js; $(LIVING_DOC) || status=1; exit $$status

# The CI job. Every feature under c8 coverage (src, mocks, steps, support), then: JUnit with a suite per
# feature, Cucumber HTML/messages/usage/rerun, Allure results and report (history carried in .allure-history/,
# outside reports/), coverage (lcov, html, summary.txt), captures, metrics and state coverage. Every report is
# written even when scenarios fail; the exit status is non-zero when a scenario failed or a report could not
# be written.
ci-simulate: install
	@set -uo pipefail; status=0; \
	if [ -d reports/allure-report/history ]; then rm -rf .allure-history && mkdir -p .allure-history && cp -r reports/allure-report/history .allure-history/; fi; \
	$(KEEP_CONFORMANCE); rm -rf reports && mkdir -p reports/pcap reports/coverage; $(RESTORE_CONFORMANCE); \
	npx c8 --reports-dir=reports/coverage --reporter=lcovonly --reporter=html --reporter=text-summary \
	  --reporterOptions.text-summary.file=summary.txt --all \
	  --include='src/**' --include='mocks/**' --include='steps/**' --include='support/**' \
	  npx cucumber-js --profile ci || status=$$?; \
	rm -rf reports/coverage/tmp; \
	if [ -f scripts/merge-metrics.js ]; then node scripts/merge-metrics.js || status=1; fi; \
	node scripts/junit-by-feature.js --messages reports/messages.ndjson --out reports/junit.xml || status=1; \
	$(LIVING_DOC) || status=1; \
	if [ -d .allure-history/history ]; then cp -r .allure-history/history reports/allure-results/; fi; \
	if command -v java >/dev/null 2>&1; then \
	  npx allure generate reports/allure-results -o reports/allure-report --clean || status=1; \
	  if [ -d reports/allure-report/history ]; then rm -rf .allure-history && mkdir -p .allure-history && cp -r reports/allure-report/history .allure-history/; fi; \
	else echo "ci-simulate: no java on PATH: the Allure report needs Java 17 (Debian: apt-get install -y openjdk-17-jre-headless)" >&2; status=1; fi; \
	echo; echo "=== ci-simulate: reports in reports/"; \
	cat reports/coverage/summary.txt 2>/dev/null || { echo "ci-simulate: no coverage summary" >&2; status=1; }; \
	node -e 'const r = require("./reports/state-coverage.json").summary; console.log("state coverage: %d/%d transitions (%s%%), %d/%d states (reports/state-coverage.html)", r.transitions.covered, r.transitions.total, r.transitions.percent, r.states.covered, r.states.total)' \
	  || { echo "ci-simulate: no state coverage report" >&2; status=1; }; \
	echo "ci-simulate: exit status $$status"; exit $$status

test: install system
	bash scripts/test.sh

# A real HLR under test: starts osmo-hlr (installed by `make system`) on a free loopback address with a fresh
# database, runs the journeys it can serve in wire mode, stops it, writes reports/conformance/$(SUT).json and
# .html and compares with conformance/osmo-hlr-1.5.yaml: exit 1 on drift either way. SUT=roamsim: the same
# report for roamsim's own GSUP HLR (conformance/roamsim.yaml). When a simulation left its reports, the living
# document is written again with the verdicts (compared with the same previous run as before).
SUT ?= osmo-hlr
conformance: install system
	@status=0; node --require ./support/register.js scripts/conformance.ts --sut $(SUT) || status=$$?; \
	if [ -f reports/messages.ndjson ]; then \
	  node --require ./support/register.js scripts/living-doc.ts --previous .living-doc-history/previous.json || status=1; \
	fi; exit $$status

bench: install
	npm run --silent bench

mocks: install
	npx roamsim mocks

clean:
	rm -rf reports logs
