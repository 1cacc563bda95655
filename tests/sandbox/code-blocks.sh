#!/bin/sh
# The code blocks (plugins/code/): their fixtures through axon-block test, in
# the sandbox axond uses, then what fixtures cannot check: the log lines and
# progress that the code sends, and a fresh interpreter for every run.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
tool=$top_builddir/axon-block
plugin=$top_builddir/plugins/.libs/code.so
fixtures=$top_srcdir/plugins/code/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

for f in lua jq js; do
	echo "# $f"
	"$tool" test "$plugin" "$fixtures/$f.json" || fail=1
done
# jq's memory is the sandbox's: in the ASan/UBSan build the sanitizer's
# allocator reports the failed allocation itself, which the policy forbids
# (see test_hostile), so these run in the normal build only.
if ! grep -q '^#define AXON_SANITIZERS 1' "$top_builddir/build-config.h" 2>/dev/null; then
	echo "# jq_memory"
	"$tool" test "$plugin" "$fixtures/jq_memory.json" || fail=1
fi

check() { # DESCRIPTION FILE JQ-TEST
	if jq -e "$3" "$2" >/dev/null; then
		echo "ok - $1"
	else
		echo "not ok - $1:"
		sed 's/^/# /' "$2"
		fail=1
	fi
}

"$tool" run "$plugin" code.lua --input 'in=[1, 2]' --config '{"code":
	"log(\"sum of\", input)\nprint(\"via print\")\nwarn(\"careful\")\nprogress(0.5, \"half way\")\nreturn input[1] + input[2]"}' >"$tmp/lua.json"
check "Lua: log, print, warn and progress reach the run's log, tables as JSON" "$tmp/lua.json" \
	'.status == "ok" and .outputs.out == 3 and ([.logs[] | [.level // .progress, .message]] ==
	 [["info", "sum of [1,2]"], ["info", "via print"], ["warn", "careful"], [0.5, "half way"]])'

"$tool" run "$plugin" data.jq --input 'in={"a": [1]}' --config '{"code": "debug | .a | stderr | length"}' >"$tmp/jq.json"
check "jq: debug and stderr reach the run's log" "$tmp/jq.json" \
	'.status == "ok" and .outputs.out == 1 and ([.logs[].message] == ["{\"a\":[1]}", "[1]"])'

"$tool" run "$plugin" code.js --input 'in=[1, 2]' --config '{"code":
	"console.log(\"sum of\", input); log(\"plain\", 1); console.warn(\"careful\"); progress(2, \"done\"); return input[0] + input[1];"}' >"$tmp/js.json"
check "JavaScript: log, console.log, console.warn and progress reach the run's log" "$tmp/js.json" \
	'.status == "ok" and .outputs.out == 3 and ([.logs[] | [.level // .progress, .message]] ==
	 [["info", "sum of [1,2]"], ["info", "plain 1"], ["warn", "careful"], [1, "done"]])'

exit $fail
