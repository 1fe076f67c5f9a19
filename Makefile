# skyhex: `make run` serves the app, `make test` runs every test. Both install what is
# missing first (idempotently): see `setup` below and README.md.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PORT ?= 8080
TRUNK_VERSION := 0.21.14
# Must equal the wasm-bindgen crate in Cargo.lock (Trunk uses the CLI from PATH).
WASM_BINDGEN_VERSION := 0.2.130
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CURDIR)/node_modules/.bin:$(CARGO_BIN):$(PATH)
export CHROMEDRIVER := /usr/bin/chromedriver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VENV := .venv
# Build tools need no peak speed: a quick build of them saves most of their install time.
FAST_INSTALL := CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
	CARGO_PROFILE_RELEASE_OPT_LEVEL=2 CARGO_PROFILE_RELEASE_DEBUG=0

.PHONY: help setup run dist test lint test-native test-oracle test-wasm test-e2e bench cli daygen

help:
	@echo "make run    build the app and serve it on http://127.0.0.1:$(PORT)/"
	@echo "make test   run every test (installs what is missing)"
	@echo "make dist   build the static site into dist/"
	@echo "make bench  run the benchmarks"

# ---- installs (each step checks before it acts) ------------------------------------

setup: setup-system setup-rust node_modules/.package-lock.json $(VENV)/.installed
	cargo fetch --locked --quiet

.PHONY: setup-system setup-rust
setup-system:
	@missing=""; \
	for tool in chromium chromedriver clang llvm-ar; do command -v $$tool >/dev/null || missing=1; done; \
	if [ -n "$$missing" ]; then \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends \
			chromium chromium-driver clang llvm python3-venv; \
	fi

setup-rust:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@trunk --version 2>/dev/null | grep -q "trunk $(TRUNK_VERSION)" || \
		$(FAST_INSTALL) cargo install --locked --force trunk --version $(TRUNK_VERSION) --no-default-features
	@wasm-bindgen --version 2>/dev/null | grep -q "wasm-bindgen $(WASM_BINDGEN_VERSION)" || \
		$(FAST_INSTALL) cargo install --force wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --no-default-features

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

$(VENV)/.installed: tests/oracle/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/oracle/requirements.txt
	touch $@

# ---- build and serve ---------------------------------------------------------------

dist: setup
	trunk build --release --public-url ./

run: setup
	trunk serve --release --no-autoreload --address 127.0.0.1 --port $(PORT)

cli: setup
	cargo build --release --locked -p skyhex-cli

# ---- tests -------------------------------------------------------------------------

test: setup lint test-native test-oracle test-wasm dist test-e2e
	@echo "all tests passed"

lint: setup
	cargo fmt --all --check
	cargo clippy --locked --release -p skyhex-core -p skyhex-cli -p skyhex-bench -p skyhex-daygen --all-targets -- -D warnings
	cargo clippy --locked --release --target wasm32-unknown-unknown -p skyhex -p skyhex-core -p skyhex-bench --all-targets -- -D warnings

test-native: setup
	cargo test --locked --release -p skyhex-core -p skyhex-cli

# The oracle and end-to-end tests use the skyhex binary that test-native builds (a separate
# `cargo build` would rebuild Arrow with the dev-dependency-free feature set).
test-oracle: test-native daygen
	SKYHEX_BIN=target/release/skyhex $(VENV)/bin/python -m unittest discover -s tests/oracle -v

test-wasm: setup
	cargo test --locked --release --target wasm32-unknown-unknown -p skyhex

test-e2e: test-native daygen dist
	SKYHEX_BIN=target/release/skyhex npm run e2e

# The generator of adsb.lol-shaped days (bench/daygen) that tests and benchmarks read.
daygen: setup
	cargo build --locked --release -p skyhex-daygen

# ---- benchmarks (never part of `make test`) ----------------------------------------

bench: cli daygen dist
	cargo run --locked --release -p skyhex-bench --bin decode_native
	cargo run --locked --release -p skyhex-bench --bin engine_native
	cargo run --locked --release -p skyhex-bench --bin map_native
	cargo build --locked --release --target wasm32-unknown-unknown -p skyhex-bench --lib
	wasm-bindgen --target web --out-dir bench/browser/pkg target/wasm32-unknown-unknown/release/skyhex_bench.wasm
	node bench/browser/run.mjs
	node bench/browser/map.mjs
	$(VENV)/bin/python bench/replicate_traces.py target/bench-archive 120
	node bench/browser/app_archive.mjs target/bench-archive
	SKYHEX_BIN=target/release/skyhex $(VENV)/bin/python bench/cli_vs_python.py
	# The 1 % day (two parts): the app against the JavaScript pipeline of bench/browser/day.mjs.
	rm -rf target/bench-day-1pct
	target/release/daygen target/bench-day-1pct --scale 0.01 --part-bytes 12000000
	JS_BASELINE=1 node bench/browser/app_archive.mjs target/bench-day-1pct
	# A whole generated adsb.lol day (scale 1: ~79 M points, 2.5 GB): the CLI on every core
	# (wall and CPU seconds, against the seed's ~40,000 vCPU-seconds), then the app.
	target/release/daygen target/bench-day --scale 1
	time target/release/skyhex aggregate target/bench-day --res 5 --out target/bench-day-res5.csv
	WORKERS=2 node bench/browser/app_archive.mjs target/bench-day
