# The commands a user needs; CMake does the building underneath.
#   make          build everything into build/ (bin/, lib/)
#   make demo     build, then run the Echo example end to end
#   make test     build, then run the whole test suite (interop included)
#   make test-sanitize   the suite under AddressSanitizer + UBSan (build-asan/)
#   make test-clang      build with clang -Werror and run the suite (build-clang/)
JOBS ?= $(shell nproc)

.PHONY: all deps build demo test test-sanitize test-clang bench clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build -j $(JOBS)

demo: build
	@examples/echo/demo.sh build/bin

test: build
	@cd build && ctest --output-on-failure -j $(JOBS)

test-sanitize: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPOSTERN_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@cd build-asan && ctest --output-on-failure -j $(JOBS)

test-clang: deps
	@CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build-clang -j $(JOBS)
	@cd build-clang && ctest --output-on-failure -j $(JOBS)

bench: build
	@bench/run.sh

clean:
	rm -rf build build-asan build-clang
