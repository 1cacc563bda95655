#!/bin/sh
# Runs each libFuzzer target built in tests/fuzz/ for a short while on a copy
# of its seed corpus (tests/fuzz/corpus/NAME for fuzz_NAME): the copy, not the
# repository, receives what the fuzzer finds. Fails if any target crashes,
# leaks, or hangs on one input; a failing input is kept in
# $top_builddir/tests/fuzz/artifacts/ to replay with "TARGET FILE".
# AXON_FUZZ_SECONDS sets the time per target (default 15). The suite uses a
# fixed seed (AXON_FUZZ_SEED, default 1) so that a run repeats what the last
# one did; AXON_FUZZ_SEED=0 lets libFuzzer pick one, for exploring.
set -u
if [ -z "${top_srcdir:-}" ] || [ -z "${top_builddir:-}" ]; then
	echo "run this through make check, which sets top_srcdir and top_builddir" >&2
	exit 99
fi
seconds=${AXON_FUZZ_SECONDS:-15}
seed=${AXON_FUZZ_SEED:-1}
work=$(mktemp -d) || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

found=0
failed=0
for bin in "$top_builddir"/tests/fuzz/fuzz_*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	target=${bin##*/}
	name=${target#fuzz_}
	found=$((found + 1))
	dir="$work/$name"
	mkdir -p "$dir/corpus" || exit 99
	seeds="$top_srcdir/tests/fuzz/corpus/$name"
	[ -d "$seeds" ] && { cp -R "$seeds/." "$dir/corpus/" || exit 99; }
	seed_count=$(ls "$dir/corpus" | wc -l)
	if "$bin" -seed="$seed" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$dir/" "$dir/corpus" >"$dir/log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
		echo "PASS: $target: ${runs:-?} inputs in ${seconds}s from $seed_count seeds"
	else
		failed=$((failed + 1))
		echo "FAIL: $target (its log follows)"
		tail -n 60 "$dir/log"
		kept="$top_builddir/tests/fuzz/artifacts"
		for artifact in "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*; do
			[ -f "$artifact" ] || continue
			mkdir -p "$kept" && cp "$artifact" "$kept/$target-${artifact##*/}" &&
				echo "replay with: $bin $kept/$target-${artifact##*/}"
		done
	fi
done

if [ "$found" -eq 0 ]; then
	echo "SKIP: no fuzz targets in $top_builddir/tests/fuzz (configure CC=clang --enable-fuzz)"
	exit 77
fi
[ "$failed" -eq 0 ]
