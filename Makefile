# Gazette: `make run` builds and serves the site; `make test` runs every test.
SHELL := /bin/bash
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)
# The PostgreSQL server the integration tests also run on (each test site makes and
# drops its own database there).
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres

# The tests build in the release profile with the server's features, so the dependency
# tree compiled for `make build` is reused instead of compiled a second time. leptos
# reads LEPTOS_OUTPUT_NAME at compile time and cargo-leptos sets it, so every build here
# sets it too: otherwise each switch between cargo-leptos and cargo recompiles leptos.
TEST_FLAGS := --release --no-default-features --features ssr,islands
export LEPTOS_OUTPUT_NAME := gazette

.PHONY: run test build tools test-tools prerequisites prepare compile-server compile-server-and-tests compile-front compile-reader postgres rust-test e2e lint fmt bench soak

run: prepare
	$(MAKE) --no-print-directory build
	./target/release/gazette

# The release build (server and the newsroom's island bundle; cargo-leptos minifies its
# JavaScript glue), the readers' bundle, then content-hashed names and brotli/gzip
# copies of the assets.
build:
	cargo leptos build --release
	./scripts/build-reader.sh
	node scripts/finish-build.mjs target/site

# The versions of Rust and Node.js, and the wasm32 target: quick, and needed first.
prerequisites:
	./scripts/install-tools.sh --prerequisites

tools: prerequisites
	./scripts/install-tools.sh

test-tools: prerequisites
	./scripts/install-test-tools.sh

# What `build` compiles, as plain cargo builds with exactly the arguments cargo-leptos
# passes (it then finds both done), so they can run while the tools install: on a new
# machine compiling cargo-leptos alone takes five minutes, mostly on one core.
compile-server: prerequisites
	cargo build $(TEST_FLAGS)

compile-front: prerequisites
	cargo build --package=gazette --lib --target-dir=target/front --target=wasm32-unknown-unknown \
	  --no-default-features --features=hydrate,islands --profile=wasm-release

# The readers' bundle (its own build folder and flags: see scripts/build-reader.sh).
compile-reader: prerequisites
	./scripts/build-reader.sh --compile

# The tools, and the compiling they don't hold up. Outputs are printed as each ends.
prepare: prerequisites
	$(MAKE) --no-print-directory -j4 --output-sync=target tools compile-server compile-front compile-reader

# The server and the tests in one cargo run: Gazette's library and its unit tests then
# compile at once, each on a core, instead of one after the other.
compile-server-and-tests: prerequisites
	cargo build $(TEST_FLAGS) --bins --tests

# The test tools (apt, npm: mostly waiting on the network and disk) install beside the
# build tools and the compiling. The server build alone then must find everything
# compiled: a crate it compiles again means the tests' dependencies turned on features
# the server lacks (see scripts/test-build.sh).
test: prerequisites postgres
	$(MAKE) --no-print-directory -j5 --output-sync=target tools test-tools compile-server-and-tests compile-front compile-reader
	CHECK_SHARED_BUILD=1 ./scripts/test-build.sh --server $(TEST_FLAGS)
	$(MAKE) --no-print-directory build
	$(MAKE) --no-print-directory rust-test e2e

postgres:
	./scripts/wait-for-postgres.sh $(PG_TEST_URL)

# Unit and integration tests on SQLite, and the integration tests again on PostgreSQL
# (the unit tests don't touch a database, so they run once), side by side once built:
# the PostgreSQL pass mostly waits on the server. Tests that only make sense on
# PostgreSQL (killing its connections) are ignored on SQLite and included there; tests
# of SQLite's own file lock are named `sqlite_only` and skipped there.
# Four test threads per pass rather than one per core: most tests wait on a database,
# a child process or a timer, so more at once finish sooner.
rust-test:
	./scripts/test-build.sh $(TEST_FLAGS)
	./scripts/side-by-side.sh \
	  "Rust tests on SQLite" "cargo test $(TEST_FLAGS) -- --test-threads=4" \
	  "Rust tests on PostgreSQL" "TEST_DATABASE_URL=$(PG_TEST_URL) cargo test $(TEST_FLAGS) --test '*' -- --include-ignored --skip sqlite_only --test-threads=4"

# The browser suite against a SQLite-backed server and a PostgreSQL-backed one, side
# by side (each on its own port, database and results folder).
e2e:
	./scripts/side-by-side.sh \
	  "Browser tests on SQLite" "cd end2end && npx playwright test" \
	  "Browser tests on PostgreSQL" "cd end2end && E2E_PG_SERVER=$(PG_TEST_URL) E2E_PORT=3101 npx playwright test --output test-results-pg"

lint:
	cargo fmt --check
	cargo clippy $(TEST_FLAGS) --all-targets -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown --features hydrate,islands -- -D warnings

# Figures, not tests: the reader's path against nginx serving the same bytes, sizes,
# and Lighthouse's scores for the seed article.
bench: build
	bench/compare.sh
	bench/sizes.sh
	bench/lighthouse.sh

# Fault and load battery (minutes, not part of `make test`); prints what it saw.
soak: build
	python3 tests/soak/soak.py --bin target/release/gazette --pg $(PG_TEST_URL) $(SOAK_FLAGS)
