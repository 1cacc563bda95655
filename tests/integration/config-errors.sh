#!/bin/bash
# axond refuses a bad configuration before doing anything, with FILE:LINE and
# the reason, and exit status 2; the shipped etc/axon.conf passes the check.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init

# check_refused WHAT LINE-NUMBER EXPECTED-WORDS CONFIG-LINES...
check_refused() {
	local what=$1 line=$2 words=$3
	shift 3
	printf '%s\n' "$@" >"$IT_TMP/bad.conf"
	"$top_builddir/axond" -c "$IT_TMP/bad.conf" --check-config >"$IT_TMP/out" 2>&1
	local rc=$?
	check_eq "$rc" 2 "$what: exit status 2"
	if grep -qF -- "$IT_TMP/bad.conf:$line:" "$IT_TMP/out" && grep -qiF -- "$words" "$IT_TMP/out"; then
		it_pass "$what: the message names bad.conf:$line and says '$words'"
	else
		it_fail "$what: the message names bad.conf:$line and says '$words'" "got: $(head -c 300 "$IT_TMP/out")"
	fi
}

check_refused "an unknown key" 3 "unknown key 'colour'" '# a comment' 'threads = 2' 'colour = blue'
check_refused "a bad number" 1 "threads" 'threads = many'
check_refused "a number out of range" 2 "between" '' 'threads = 100000'
check_refused "a bad size" 1 "max_body" 'max_body = 12 parsecs'
check_refused "a bad duration" 1 "session_ttl" 'session_ttl = soon'
check_refused "a bad boolean" 1 "daemonize" 'daemonize = perhaps'
check_refused "a line without '='" 2 "key = value" 'log_level = info' 'listen'

# Keys that go together: a front node needs a database shared with others.
printf 'execute_runs = no\n' >"$IT_TMP/front.conf"
"$top_builddir/axond" -c "$IT_TMP/front.conf" --check-config >"$IT_TMP/out" 2>&1
check_eq "$?" 2 "execute_runs = no with SQLite: exit status 2"
check_contains "$(cat "$IT_TMP/out")" "front.conf: execute_runs = no makes a front node" "... naming the file and the key"
check_contains "$(cat "$IT_TMP/out")" "set a postgresql:// database or remove the line" "... and what to do"

printf 'threads = 2\n' >"$IT_TMP/good.conf"
"$top_builddir/axond" -c "$IT_TMP/good.conf" --check-config >"$IT_TMP/out" 2>&1
check_eq "$?" 0 "a good file passes --check-config"
"$top_builddir/axond" -c "$top_srcdir/etc/axon.conf" --check-config >"$IT_TMP/out" 2>&1
check_eq "$?" 0 "the shipped etc/axon.conf passes --check-config ($(head -c 200 "$IT_TMP/out"))"
"$top_builddir/axond" -c "$IT_TMP/missing.conf" --check-config >"$IT_TMP/out" 2>&1
check_eq "$?" 2 "a missing file: exit status 2"
check_eq "$(grep -c "missing.conf" "$IT_TMP/out")" 1 "... and the message names it"

# Not only --check-config: starting with a bad file fails the same way, and
# nothing is created.
printf 'data_dir = %s\ncolour = blue\n' "$IT_TMP/data" >"$IT_TMP/bad.conf"
"$top_builddir/axond" -c "$IT_TMP/bad.conf" -f >"$IT_TMP/out" 2>&1
check_eq "$?" 2 "starting with an unknown key: exit status 2"
check_eq "$(grep -c "bad.conf:2:" "$IT_TMP/out")" 1 "... naming bad.conf:2"
check_eq "$([ -e "$IT_TMP/data" ] && echo created || echo absent)" absent "... before creating data_dir"

# Options on the command line are checked the same way.
"$top_builddir/axond" -c "$IT_TMP/good.conf" --threads lots --check-config >"$IT_TMP/out" 2>&1
check_eq "$?" 2 "a bad --threads: exit status 2"
if "$top_builddir/axond" --no-such-option >"$IT_TMP/out" 2>&1; then
	it_fail "an unknown option fails"
else
	it_pass "an unknown option fails"
fi
check_eq "$(grep -c -- '--no-such-option' "$IT_TMP/out")" 1 "... naming it"

it_done
