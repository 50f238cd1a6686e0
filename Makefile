# Cassetto — the two commands of the README are `make run` and `make test`; the rest serve them.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/tools/node_modules/.bin:$(PATH)

# SQLite file of `make run` (created, migrated and seeded with demo data on first start).
RUN_DATABASE_URL ?= sqlite://cassetto.db
# PostgreSQL server for the tests (optional): each test creates and drops its own database on it.
# CI sets it; without it the PostgreSQL tests say they are skipped.
CASSETTO_TEST_POSTGRES ?=

VENDOR := public/vendor/bootstrap-italia
BI := tools/node_modules/bootstrap-italia/dist

.PHONY: setup run build test test-rust test-e2e vendor clean-e2e

setup:
	./scripts/install-tools.sh
	$(MAKE) vendor

# Bootstrap Italia's CSS, fonts and icons come from npm at build time (never committed).
vendor: $(VENDOR)/css/bootstrap-italia.min.css
$(VENDOR)/css/bootstrap-italia.min.css: tools/package.json
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)
	cp -r $(BI)/css $(BI)/fonts $(BI)/svg $(VENDOR)/
	touch $@

run: setup
	DATABASE_URL=$(RUN_DATABASE_URL) CASSETTO_DEMO=1 CASSETTO_INSECURE_COOKIES=1 cargo leptos serve

build: setup
	cargo leptos build --release

test: setup test-rust test-e2e

# Per package, not --workspace: that would build `app` with ssr and hydrate at once, and Leptos'
# executor then panics at run time (spawn_local outside a LocalSet).
test-rust:
	cargo test -p app --features ssr --lib
	CASSETTO_TEST_POSTGRES=$(CASSETTO_TEST_POSTGRES) cargo test -p server --all-targets

# Browser tests: cargo-leptos builds the app, starts it on a fresh demo database, runs Playwright.
E2E_DB := target/e2e/cassetto.db
test-e2e:
	rm -rf target/e2e && mkdir -p target/e2e
	DATABASE_URL=sqlite://$(E2E_DB) CASSETTO_DEMO=1 CASSETTO_INSECURE_COOKIES=1 cargo leptos end-to-end
	@if [ -n "$(CASSETTO_TEST_POSTGRES)" ]; then \
	  base="$(CASSETTO_TEST_POSTGRES)"; db="cassetto_e2e_$$$$"; server="$${base%/*}"; \
	  psql "$$base" -qc "CREATE DATABASE $$db" && \
	  DATABASE_URL="$$server/$$db" CASSETTO_DEMO=1 CASSETTO_INSECURE_COOKIES=1 cargo leptos end-to-end; rc=$$?; \
	  psql "$$base" -qc "DROP DATABASE IF EXISTS $$db WITH (FORCE)"; exit $$rc; \
	else echo "PostgreSQL browser tests skipped: set CASSETTO_TEST_POSTGRES to run them"; fi
