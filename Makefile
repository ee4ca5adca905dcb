# Two entry points, both usable on a fresh Debian 12 machine as root:
#   make run   installs what is missing, builds Release, runs the default scenario headless
#   make test  installs what is missing, builds, runs every test with ctest
#   make asan  the same with AddressSanitizer + UndefinedBehaviorSanitizer (build/asan)
#   make fuzz  builds the libFuzzer targets with clang and runs each for FUZZ_SECONDS
JOBS ?= $(shell nproc)
PRESET ?= release
BUILD_DIR := build/$(PRESET)

.PHONY: deps build run test bench asan fuzz clean
deps:
	@bash .ci/install-deps

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET) -j $(JOBS)

run: build
	$(BUILD_DIR)/headless/salesim run scenarios/default.json --out out/default

test: build
	ctest --preset $(PRESET) -j $(JOBS)

bench: build
	$(BUILD_DIR)/headless/salesim bench

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (.ci/run runs it after `test`).
asan:
	$(MAKE) test PRESET=asan

# Builds the libFuzzer targets (clang) and runs each for FUZZ_SECONDS (docs/reliability.md#fuzzers).
FUZZ_SECONDS ?= 60
fuzz:
	@bash .ci/install-deps --fuzz
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	for t in scenario mapping csv; do tests/fuzz/run.sh $$t $(FUZZ_SECONDS) || exit 1; done

clean:
	rm -rf build out
