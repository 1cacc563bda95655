#!/bin/bash
# The shell scripts of the quick start, CI and these tests pass shellcheck.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
command -v shellcheck >/dev/null || it_skip "shellcheck is not installed (./quickstart check installs it)"

cd "$top_srcdir" || exit 1
for script in quickstart .ci/run tests/integration/*.sh tests/e2e/*.sh tests/bench/*.sh; do
	if out=$(shellcheck -x "$script" 2>&1); then
		it_pass "shellcheck $script"
	else
		it_fail "shellcheck $script" "$out"
	fi
done
it_done
