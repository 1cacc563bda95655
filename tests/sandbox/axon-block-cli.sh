#!/bin/sh
# axon-block as an author meets it: new builds and passes its own test at
# once, info prints the descriptor, run prints one JSON object and exits with
# the outcome's code.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
tool=$(cd "$top_builddir" && pwd)/axon-block
hostile=$top_builddir/tests/sandbox/.libs/hostile.so
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # DESCRIPTION WANT GOT
	if [ "$2" = "$3" ]; then echo "ok - $1"; else echo "not ok - $1: got '$3', want '$2'"; fail=1; fi
}

(cd "$tmp" && "$tool" new acme.greet) 2>"$tmp/new.err"
check "new makes the folder" 0 $?
(cd "$tmp/acme-greet" && make -s AXON_CFLAGS="-I$(cd "$top_srcdir" && pwd)/sdk/include" AXON_LIBS=-ljansson AXON_BLOCK="$tool" check) >"$tmp/check.out" 2>&1
check "the new plugin builds and passes its fixtures" 0 $?
grep -q '^ok 3 - no name' "$tmp/check.out" || { echo "not ok - its TAP:"; cat "$tmp/check.out"; fail=1; }
(cd "$tmp" && "$tool" new acme.greet) 2>/dev/null
check "new refuses an existing folder" 73 $?
"$tool" new Greet 2>"$tmp/err"
check "new refuses a name without namespace" 64 $?

"$tool" info "$hostile" >"$tmp/info.json"
check "info" 0 $?
grep -q '"name": "hostile.noop"' "$tmp/info.json" || { echo "not ok - info lists hostile.noop"; fail=1; }

"$tool" run "$hostile" hostile.noop >"$tmp/run.json"
check "run ok exits 0" 0 $?
grep -q '"status": "ok"' "$tmp/run.json" || { echo "not ok - run prints the status"; fail=1; }
"$tool" run "$hostile" hostile.fail >/dev/null
check "run error exits 1" 1 $?
"$tool" run "$hostile" hostile.read_file >"$tmp/run.json"
check "run violation exits 2" 2 $?
grep -q "'openat'" "$tmp/run.json" || { echo "not ok - the violation names the syscall"; fail=1; }
"$tool" run "$hostile" hostile.sleep_forever --timeout 200 >/dev/null
check "run timeout exits 3" 3 $?
"$tool" run "$hostile" hostile.endless_loop --cpu 500 --timeout 10000 >"$tmp/run.json"
check "run cpu_limit exits 4" 4 $?
grep -q '"status": "cpu_limit"' "$tmp/run.json" || { echo "not ok - run prints cpu_limit"; fail=1; }
"$tool" run "$hostile" hostile.alloc_10g --memory 64 >"$tmp/run.json"
code=$?
if grep -q '^#define AXON_SANITIZERS 1' "$top_builddir/build-config.h" 2>/dev/null; then
	# The sanitizer's allocator reports the failed allocation itself, which
	# the policy forbids: a violation (2), or with clang's runtime a crash by
	# SIGSYS (6), as test_hostile expects too.
	case $code in 2 | 6) echo "ok - run memory_limit in a sanitizer build exits $code" ;;
	*) check "run memory_limit in a sanitizer build exits 2 or 6" "2 or 6" $code ;; esac
else
	check "run memory_limit exits 5" 5 $code
	grep -q 'memory limit of 64 MiB' "$tmp/run.json" || { echo "not ok - run says which memory limit"; cat "$tmp/run.json"; fail=1; }
fi
"$tool" run "$hostile" hostile.huge_output >"$tmp/run.json"
check "run output_too_large exits 7" 7 $?
grep -q '"status": "output_too_large"' "$tmp/run.json" || { echo "not ok - run prints output_too_large"; fail=1; }
"$tool" run "$hostile" hostile.abort >/dev/null
check "run crash exits 6" 6 $?
"$tool" run "$hostile" hostile.garbage >/dev/null
check "run bad_output exits 8" 8 $?
"$tool" run "$hostile" hostile.noop --input 'in=not json' >/dev/null 2>"$tmp/err"
check "a bad --input is a usage error" 64 $?
grep -q "is not JSON" "$tmp/err" || { echo "not ok - the usage error says why"; fail=1; }
"$tool" run "$hostile" hostile.noop --timeout soon >/dev/null 2>"$tmp/err"
check "a bad --timeout is a usage error" 64 $?
grep -q "wants a positive number of milliseconds, not 'soon'" "$tmp/err" || { echo "not ok - the usage error says why"; fail=1; }
"$tool" run "$top_builddir/tests/plugin/.libs/wrong_abi.so" test.future >/dev/null 2>"$tmp/err"
check "a plugin that does not load exits 70" 70 $?
grep -q "built for block ABI 2.0" "$tmp/err" || { echo "not ok - and says why"; fail=1; }
exit $fail
