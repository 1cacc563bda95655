#!/bin/bash
# axond -d: detaches, writes its pid file, answers through nginx, and on
# SIGTERM removes its pid file and socket.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init

data=$IT_TMP/daemon
mkdir -p "$data"
pidfile=$data/axond.pid
sock=$IT_TMP/axond.sock
"$top_builddir/axond" -d --listen "unix:$sock" --data-dir "$data/data" --template-dir "$top_srcdir/templates" \
	--plugin-dirs "$(it_plugin_dir)" --pid-file "$pidfile" --log "$data/axond.log"
check_eq "$?" 0 "axond -d returns at once with status 0"
for ((i = 0; i < 100; i++)); do [ -S "$sock" ] && [ -s "$pidfile" ] && break; sleep 0.1; done
pid=$(cat "$pidfile" 2>/dev/null)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
	it_pass "the pid file names a running axond ($pid)"
else
	it_fail "the pid file names a running axond" "pid file: '$pid'; log: $(tail -n 5 "$data/axond.log" 2>/dev/null)"
fi
ppid=$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null)
if [ -n "$ppid" ] && [ "$ppid" != "$$" ]; then
	it_pass "it is detached (its parent is $ppid, not this test)"
else
	it_fail "it is detached" "its parent is '$ppid'"
fi

it_start_nginx
req GET /healthz
check_status 200 "the daemon answers through nginx"

kill -TERM "$pid"
it_wait_exit "$pid" 150 || it_fail "axond exits within 15 s of SIGTERM"
check_eq "$(ls "$pidfile" "$sock" 2>/dev/null)" "" "the pid file and the socket are removed"
check_eq "$(grep -c 'info stopped' "$data/axond.log")" 1 "the log says it stopped"
it_done
