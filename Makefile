# Two entry points, both usable on a fresh Debian 12 machine as root:
#   make run   installs what is missing, builds Release, runs the default scenario headless
#   make test  installs what is missing, builds, runs every test with ctest
JOBS ?= $(shell nproc)
PRESET ?= release
BUILD_DIR := build/$(PRESET)

.PHONY: deps build run test bench asan clean
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

asan:
	$(MAKE) test PRESET=asan

clean:
	rm -rf build out
