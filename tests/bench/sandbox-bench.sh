#!/bin/sh
# make bench, sandbox part: see tests/bench/sandbox-bench.c and the
# "Sandbox" section of docs/performance.md. Run from the build directory.
set -e
${MAKE:-make} -s tests/sandbox/hostile.la tests/bench/sandbox-bench >/dev/null
./tests/bench/sandbox-bench "$(pwd)/tests/sandbox/.libs/hostile.so" "${SANDBOX_BENCH_RUNS:-2000}"
