#!/bin/bash
# Live events between two axond sharing one PostgreSQL database (LISTEN/NOTIFY,
# engine/events_relay.c): a run started on node A, each node behind its own
# nginx, is watched from node B's stream, which gets the run's step, log and
# end events while the run goes on (held in a step until the test lets it
# go), the same as A's own stream, and closes at the end; a listener that
# lost its connection is back by itself.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_postgresql_only
it_init
it_start_postgresql
IT_PG_LINE=$(it_postgresql_database axon) || it_fail "a database is made"
it_start_http_server || it_skip "the test HTTP server did not start (python3 missing?)"

# Node A, in $IT_TMP.
it_write_config "unix:$IT_TMP/axond.sock" "egress_allow_loopback = yes" "node_name = node-a"
it_start_axond || exit 1
it_start_nginx || exit 1
it_wait_healthz || exit 1
BASE_A=$BASE_URL

# Node B, in $IT_TMP/b, with node A's keys.
TOP=$IT_TMP
it_start_node b "egress_allow_loopback = yes" "node_name = node-b" || exit 1
BASE_B=$NODE_URL
PID_B=$NODE_PID

for node in a b; do
	log=$TOP/axond.log
	[ "$node" = b ] && log=$TOP/b/axond.log
	check_contains "$(cat "$log")" "LISTEN/NOTIFY on axon_events), this one as node-$node" "node $node says it relays"
done

it_setup_owner 'correct horse battery staple'
check_eq "$?" 0 "first-run setup signs the owner in on node A"
it_api_token relay || it_fail "an API token" "$(it_answer)"

# talk logs and reports progress, then wait asks /hold, which answers once
# the test asks /release.
# shellcheck disable=SC2016 # Lua, not shell
LUA='log("hello from talk")
progress(0.5, "half way")
return "x"'
it_create_workflow "relayed" "$(jq -n --arg code "$LUA" --arg url "http://127.0.0.1:$HTTP_PORT/hold" \
	'{format: 1, trigger: {type: "manual"},
	  blocks: [{id: "talk", type: "code.lua", config: {code: $code}},
	           {id: "wait", type: "http.request", config: {url: $url, method: "GET"}}],
	  edges: [{from: "talk.out", to: "wait.body"}]}')"
case $WF in '' | null) it_fail "create the workflow" "$(it_answer)" ;; esac

# stream BASE PATH OUT: the stream's lines in OUT, each after the wall-clock
# ms it arrived at; 40 s at most.
stream() {
	timeout 40 curl -sSN -H "Authorization: Bearer $TOKEN" -H 'Accept: text/event-stream' "$1$2" |
		while IFS= read -r line; do printf '%s %s\n' "$(date +%s%3N)" "$line"; done >"$3"
	return "${PIPESTATUS[0]}"
}
events_of() { awk '$2 == "event:" { t = $3 } $2 == "data:" && t { sub(/^[0-9]+ data: /, ""); print t " " $0; t = "" }' "$1"; }

## A run started on node A, watched from both nodes.

req POST "/workflows/$WF/run" "${API[@]}" -H 'Content-Type: application/json' --data '{}'
RUN=$(jqb .run.id)
case $RUN in '' | null) it_fail "start a run on node A" "$(it_answer)" ;; esac
stream "$BASE_B" "/runs/$RUN/events" "$IT_TMP/on-b" &
ON_B=$!
stream "$BASE_A" "/runs/$RUN/events" "$IT_TMP/on-a" &
ON_A=$!
# Live, not read from the store at the end: node B's reader has the wait
# step's log line while the run is held in that step.
for ((i = 0; i < 200; i++)); do
	grep -q 'data: .*"message":"GET http' "$IT_TMP/on-b" && break
	sleep 0.1
done
check_contains "$(cat "$IT_TMP/on-b")" '"message":"GET http' "node B's reader has the wait step's log line"
check_eq "$(sql "SELECT status FROM runs WHERE id = $RUN")" running "... while the run goes on, on node A"
curl -sS "http://127.0.0.1:$HTTP_PORT/release" >/dev/null
wait "$ON_B"
check_eq "$?" 0 "node B's stream closes by itself at the run's end"
wait "$ON_A"
check_eq "$?" 0 "node A's stream closes at the run's end"
it_wait_run "$RUN" succeeded || it_fail "the run succeeds" "$(sql "SELECT status, error FROM runs WHERE id = $RUN")"

events_of "$IT_TMP/on-b" >"$IT_TMP/b.events"
for want in '^run {"status":"running"' '^step {"block":"talk".*"status":"running"' \
	'^log {"block":"talk".*"message":"hello from talk"' '^progress {"block":"talk".*"message":"half way"' \
	'^step {"block":"talk".*"status":"ok"' '^step {"block":"wait".*"status":"running"' \
	'^log {"block":"wait".*"message":"GET http' '^step {"block":"wait".*"status":"ok"' '^end {"status":"succeeded"'; do
	if grep -qE -- "$want" "$IT_TMP/b.events"; then it_pass "node B's stream has $want"; else
		it_fail "node B's stream has $want" "$(cat "$IT_TMP/b.events")"; fi
done
check_eq "$(tail -n 1 "$IT_TMP/b.events" | cut -d' ' -f1)" end "the end is node B's last event"
events_of "$IT_TMP/on-a" >"$IT_TMP/a.events"
if cmp -s "$IT_TMP/a.events" "$IT_TMP/b.events"; then
	it_pass "both nodes' streams tell the same $(wc -l <"$IT_TMP/b.events") events, none twice"
else
	it_fail "both nodes' streams tell the same events" "$(diff "$IT_TMP/a.events" "$IT_TMP/b.events")"
fi
check_contains "$(cat "$TOP/axond.log")" "run $RUN succeeded" "node A ran the run"
check_eq "$(grep -c "run $RUN succeeded" "$TOP/b/axond.log")" 0 "node B did not run it"

# The JSON twin on node B reads the same hub.
BASE_URL=$BASE_B req GET "/runs/$RUN/events" "${API[@]}"
check_status 200 "the JSON twin on node B"
check_json '.events | length' "$(wc -l <"$IT_TMP/b.events")" "node B's JSON twin lists every event"
check_json '.events[-1].type' end "its last event is the end"

## The listeners lose their connections: each says so once and is back by
## itself, and node B's reader gets the next run's events again.

sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN %'" >/dev/null
for ((i = 0; i < 100; i++)); do
	grep -q 'the listener on axon_events is back' "$TOP/b/axond.log" && break
	sleep 0.1
done
check_eq "$(grep -c 'the listener on axon_events lost the database' "$TOP/b/axond.log")" 1 "node B's log says once that its listener lost the database"
check_contains "$(cat "$TOP/b/axond.log")" "the listener on axon_events is back" "... and that it is back"
req POST "/workflows/$WF/run" "${API[@]}" -H 'Content-Type: application/json' --data '{}'
RUN=$(jqb .run.id)
stream "$BASE_B" "/runs/$RUN/events" "$IT_TMP/again-b"
check_eq "$?" 0 "node B's stream of the next run closes at its end"
# The log line is not in the end a stream of a run that ended reads from the store.
check_contains "$(events_of "$IT_TMP/again-b")" 'log {"block":"wait"' "node B's stream of the next run has its events"

# Node B stops cleanly (its relay too), and leaves no sanitizer report
# (lib.sh checks the files of $IT_TMP only).
kill -TERM "$PID_B"
it_wait_exit "$PID_B" 150
wait "$PID_B"
check_eq "$?" 0 "node B stops cleanly"
if grep -qE 'Sanitizer|runtime error:' "$TOP"/b/axond-*.stderr 2>/dev/null; then
	it_fail "node B's stderr holds no sanitizer report" "$(grep -hE -A30 'Sanitizer|runtime error:' "$TOP"/b/axond-*.stderr)"
fi
it_done
