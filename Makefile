# The commands a user needs; CMake does the building underneath.
#   make          build everything into build/ (bin/, lib/)
#   make demo     build, then run the Echo example end to end
#   make test     build, then run the whole test suite (interop included)
#   make test-sanitize   the suite under AddressSanitizer + UBSan (build-asan/)
#   make test-clang      build with clang -Werror and run the suite (build-clang/)
#   make test-tsan       the tests that use threads under ThreadSanitizer (build-tsan/)
#   make install  [PREFIX=/usr/local] [DESTDIR=...]   library, headers, compiler,
#                        man page, postern.pc and the CMake package
#   make package         a Debian package: build/package/postern_VERSION_ARCH.deb
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local

.PHONY: all deps build demo test test-sanitize test-clang test-tsan install package bench clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build -j $(JOBS)

demo: build
	@examples/echo/demo.sh build/bin

# The cross-test matrix runs whole in `make test` (label matrix_full) and as
# a representative slice (matrix_slice) in the instrumented builds.
test: build
	@cd build && ctest --output-on-failure -j $(JOBS) -LE matrix_slice

test-sanitize: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPOSTERN_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@cd build-asan && ctest --output-on-failure -j $(JOBS) -LE matrix_full

test-clang: deps
	@CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build-clang -j $(JOBS)
	@cd build-clang && ctest --output-on-failure -j $(JOBS) -LE matrix_full

# The tests labelled `threads` (tests/CMakeLists.txt): every test that runs
# a server, a pipeline, a pool or other threads of the library.
test-tsan: deps
	@cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOSTERN_TSAN=ON >/dev/null
	@cmake --build build-tsan -j $(JOBS)
	@cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 $$TSAN_OPTIONS" \
		ctest --output-on-failure -j $(JOBS) -L threads -LE matrix_full

# DESTDIR (staged installs) is read by cmake --install from the environment.
# A real install as root refreshes the loader's cache, so programs find the
# new libpostern.so.0 under /usr/local/lib at once.
install: build
	@DESTDIR="$(DESTDIR)" cmake --install build --prefix "$(PREFIX)"
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then ldconfig; fi

package: build
	@cd build && cpack -G DEB

bench: build
	@bench/run.sh

clean:
	rm -rf build build-asan build-clang build-tsan
