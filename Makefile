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

.PHONY: setup run build test test-rust test-e2e vendor clean-e2e bench faults fuzz lint

setup:
	./scripts/install-tools.sh
	$(MAKE) vendor

# Bootstrap Italia's CSS, fonts and icons come from npm at build time (never committed).
vendor: $(VENDOR)/css/bootstrap-italia.min.css
$(VENDOR)/css/bootstrap-italia.min.css: tools/package.json
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)
	cp -r $(BI)/css $(BI)/fonts $(BI)/svg $(VENDOR)/
	touch $@

# The demo's mail and PEC go to a local SMTP sink that files every message under posta/ (.eml files):
# that is where the OTP of a new intermediary delega arrives. SMS go to a local gateway sink, posta/sms/.
# «Entra con SPID» and «Entra con CIE» go to three test OpenID Providers (end2end/oidc/op.mjs, the people of
# end2end/oidc/persone.json): SPID "IdP Demo 1" on port 2530, "IdP Demo 2" on 2531, "CIE id" on 2532. Demo mode
# creates the relying party's keys, oidc-keys.json, on first start.
run: setup
	python3 -u scripts/smtp_sink.py --host 127.0.0.1 --port 2525 --dir posta > /dev/null & sink=$$!; \
	python3 -u scripts/sms_sink.py --host 127.0.0.1 --port 2527 --dir posta/sms > /dev/null & sms=$$!; \
	node end2end/oidc/op.mjs --porta 2530 --tipo spid --nome "IdP Demo 1" --rp http://127.0.0.1:3000 > /dev/null & op1=$$!; \
	node end2end/oidc/op.mjs --porta 2531 --tipo spid --nome "IdP Demo 2" --rp http://127.0.0.1:3000 > /dev/null & op2=$$!; \
	node end2end/oidc/op.mjs --porta 2532 --tipo cie --nome "CIE id" --rp http://127.0.0.1:3000 > /dev/null & op3=$$!; \
	trap "kill $$sink $$sms $$op1 $$op2 $$op3" EXIT; \
	DATABASE_URL=$(RUN_DATABASE_URL) CASSETTO_DEMO=1 CASSETTO_INSECURE_COOKIES=1 \
	CASSETTO_SMTP_URL=smtp://127.0.0.1:2525 CASSETTO_SMS_URL=http://127.0.0.1:2527/sms \
	CASSETTO_ACCESSO=password,spid,cie CASSETTO_SPID_FORNITORI=demo1,demo2 \
	CASSETTO_SPID_DEMO1_ISSUER=http://127.0.0.1:2530 CASSETTO_SPID_DEMO1_NOME="IdP Demo 1" \
	CASSETTO_SPID_DEMO2_ISSUER=http://127.0.0.1:2531 CASSETTO_SPID_DEMO2_NOME="IdP Demo 2" \
	CASSETTO_CIE_ISSUER=http://127.0.0.1:2532 CASSETTO_CIE_NOME="CIE id" cargo leptos serve

build: setup
	cargo leptos build --release

test: setup test-rust test-e2e

# The habits CI keeps: rustfmt's layout, and clippy without a warning on the server build (with the tests) and on
# the WebAssembly build.
lint: setup
	cargo fmt --all --check
	$(subst cargo test,cargo clippy,$(CARGO_TEST)) -- -D warnings
	cargo clippy -p app --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

# Proof under faults (docs/security.md, Durability): kill -9 on SQLite 20 times under a write load, an SMTP
# outage, two server processes on one PostgreSQL (skipped without one). The debug binary of the Rust tests;
# about 4 minutes. CI runs it after the tests.
faults: setup
	CASSETTO_TEST_POSTGRES=$(CASSETTO_TEST_POSTGRES) $(CARGO_TEST) --no-run
	CASSETTO_TEST_POSTGRES=$(CASSETTO_TEST_POSTGRES) ./scripts/faults/run.sh

# Fuzzing (cargo-fuzz, nightly; both installed when missing): each target for FUZZ_SECONDS (default 60), failing on
# any crash. Found inputs go to fuzz/regressions/, which app/tests/fuzz_regressions.rs replays in `make test`.
fuzz:
	./fuzz/run.sh

# Speed, measured as ratios against baselines of the same run (docs/benchmarks.md): release build in
# target/bench, scale data generated once and reused. A command, never part of the tests.
bench: setup
	python3 scripts/bench.py

# One cargo invocation for every Rust test, so each dependency (typst above all) compiles once. Every invocation
# is given the same CASSETTO_TEST_POSTGRES: server/build.rs compiles the PostgreSQL tests as ignored without it,
# so a change of it rebuilds the tests. It also
# builds target/debug/cassetto, which the browser tests run. Per package, not --workspace: that would build
# `app` with ssr and hydrate at once, and Leptos' executor then panics at run time (spawn_local outside a LocalSet).
CARGO_TEST := cargo test -p app -p server --features app/ssr --all-targets

test-rust:
	CASSETTO_TEST_POSTGRES=$(CASSETTO_TEST_POSTGRES) $(CARGO_TEST)

# Browser tests: the server binary is the one the Rust tests built (same features: nothing recompiles),
# cargo-leptos builds only the wasm frontend and the site; scripts/e2e.sh starts the SMTP sink and the
# server on a fresh demo database and runs Playwright — on SQLite, then on a created/dropped PostgreSQL
# database if given.
test-e2e:
	CASSETTO_TEST_POSTGRES=$(CASSETTO_TEST_POSTGRES) $(CARGO_TEST) --no-run
	cargo leptos build --frontend-only
	./scripts/e2e.sh sqlite://target/e2e/cassetto.db
	@if [ -n "$(CASSETTO_TEST_POSTGRES)" ]; then \
	  base="$(CASSETTO_TEST_POSTGRES)"; db="cassetto_e2e_$$$$"; server="$${base%/*}"; \
	  psql "$$base" -qc "CREATE DATABASE $$db" && \
	  ./scripts/e2e.sh "$$server/$$db"; rc=$$?; \
	  psql "$$base" -qc "DROP DATABASE IF EXISTS $$db WITH (FORCE)"; exit $$rc; \
	else echo "PostgreSQL browser tests skipped: set CASSETTO_TEST_POSTGRES to run them"; fi
