#!/bin/sh
# make bench, knowledge base part: see tests/bench/knowledge-bench.c and the
# "Knowledge bases" section of docs/performance.md. Run from the build directory.
set -e
${MAKE:-make} -s tests/bench/knowledge-bench >/dev/null
./tests/bench/knowledge-bench "${KB_BENCH_CHUNKS:-100000}" "${KB_BENCH_DIMS:-768}"
