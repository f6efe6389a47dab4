# roamsim — the two commands of the Quick start are `make simulate` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export NODE_OPTIONS ?= --no-warnings=ExperimentalWarning

STAMP := node_modules/.roamsim-install-stamp

$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: help install system typecheck unit lint features simulate test ci-simulate bench mocks clean

help:
	@echo "make simulate     run every feature against the embedded mocks, reports in reports/"
	@echo "make test         install, typecheck, unit tests, step lint, every feature in each mode"
	@echo "make ci-simulate  the CI job: features under coverage, JUnit/Allure/HTML/coverage/state coverage"
	@echo "make bench        npm run bench (one JSON line of measured figures)"

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

simulate: install
	@rm -rf reports && mkdir -p reports
	npx cucumber-js

test: install system
	bash scripts/test.sh

bench: install
	npm run --silent bench

mocks: install
	npx roamsim mocks

clean:
	rm -rf reports logs
