# Gazette: `make run` builds and serves the site; `make test` runs every test.
SHELL := /bin/bash
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# The PostgreSQL server the integration tests also run on (each test site makes and
# drops its own database there).
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run test build tools test-tools rust-test e2e lint fmt

run: tools build
	./target/release/gazette

build:
	cargo leptos build --release

tools:
	./scripts/install-tools.sh

test-tools: tools
	./scripts/install-test-tools.sh

test: test-tools build rust-test e2e

rust-test:
	cargo test --features ssr,islands
	TEST_DATABASE_URL=$(PG_TEST_URL) cargo test --features ssr,islands --tests

e2e:
	cd end2end && npx playwright test
	cd end2end && E2E_PG_SERVER=$(PG_TEST_URL) E2E_PORT=3101 npx playwright test

lint:
	cargo fmt --check
	cargo clippy --features ssr,islands --all-targets -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown --features hydrate,islands -- -D warnings
