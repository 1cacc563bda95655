#!/bin/bash
# A run's live events (GET /runs/ID/events, Server-Sent Events) through the
# front named by FRONT (nginx or apache; live-events-nginx.sh and
# live-events-apache.sh set it): the events arrive while the run goes on
# (each line is stamped as curl hands it over, before the run's end in the
# store), a dropped stream resumes from its Last-Event-ID with nothing lost
# or told twice, the stream closes at the run's end; the JSON twin; the
# refusals (a bad id, one from an earlier daemon, more streams than one
# person may open); and open streams hold no request thread: with two
# threads and eight streams open, every other page still answers; a reader
# that comes after a step logged more than the ring holds still reads the
# step's log from its first line while it runs; ending a session (from
# another) and signing out each close that session's open stream at once,
# not the other's; axond stops cleanly with a stream open, telling its
# reader.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start_http_server || it_skip "the test HTTP server did not start (python3 missing?)"
it_start "${FRONT:?set by live-events-nginx.sh or live-events-apache.sh}" "egress_allow_loopback = yes" "threads = 2" "max_streams_per_user = 8" \
	"http_timeout = 120s" # /hold answers when told to: a loaded machine may take more than 30 s to get there

it_setup_owner 'correct horse battery staple'
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token live || it_fail "an API token" "$(it_answer)"

# talk logs and reports progress, then wait asks /slow, which answers after 6 s
# (long enough for a busy machine to open eight streams while it runs).
# shellcheck disable=SC2016 # Lua, not shell
LUA='log("hello from talk")
progress(0.5, "half way")
return "x"'
it_create_workflow "live" "$(jq -n --arg code "$LUA" --arg url "http://127.0.0.1:$HTTP_PORT/slow?s=6" \
	'{format: 1, trigger: {type: "manual"},
	  blocks: [{id: "talk", type: "code.lua", config: {code: $code}},
	           {id: "wait", type: "http.request", config: {url: $url, method: "GET"}}],
	  edges: [{from: "talk.out", to: "wait.body"}]}')"
case $WF in '' | null) it_fail "create the workflow" "$(it_answer)" ;; esac

start_run() {
	req POST "/workflows/$WF/run" "${API[@]}" -H 'Content-Type: application/json' --data '{}'
	RUN=$(jqb .run.id)
	case $RUN in '' | null) it_fail "start a run" "$(it_answer)" ;; esac
}

# stream PATH OUT [curl options]: the stream's lines in OUT, each after the
# wall-clock ms it arrived at; its headers in OUT.headers; 60 s at most.
stream() {
	local path=$1 out=$2
	shift 2
	timeout 60 curl -sSN -D "$out.headers" -H "Authorization: Bearer $TOKEN" -H 'Accept: text/event-stream' \
		"$@" "$BASE_URL$path" |
		while IFS= read -r line; do printf '%s %s\n' "$(date +%s%3N)" "$line"; done >"$out"
	return "${PIPESTATUS[0]}"
}

# The ids, or the "type data" lines, of a stream's events, in order.
ids_of() { sed -n 's/^[0-9]* id: //p' "$1"; }
events_of() { awk '$2 == "event:" { t = $3 } $2 == "data:" && t { sub(/^[0-9]+ data: /, ""); print t " " $0; t = "" }' "$1"; }
# arrival MS of the first line matching an extended regex
arrival() { grep -E -m1 -- "$2" "$1" | cut -d' ' -f1; }

## One run watched whole, another dropped after its first event and taken up again.

start_run
stream "/runs/$RUN/events" "$IT_TMP/a" &
A=$!
# A reader that goes away after the first event, and comes back with its id.
first=$(timeout 30 curl -sSN -H "Authorization: Bearer $TOKEN" -H 'Accept: text/event-stream' "$BASE_URL/runs/$RUN/events" 2>/dev/null | sed -n '/^id: /{s/^id: //p;q}')
stream "/runs/$RUN/events" "$IT_TMP/b" -H "Last-Event-ID: $first" &
B=$!
wait "$A"
check_eq "$?" 0 "the stream closes by itself at the run's end (curl was not stopped by its timeout)"
wait "$B"
check_eq "$?" 0 "the resumed stream closes at the run's end too"
it_wait_run "$RUN" succeeded || it_fail "the run succeeds" "$(sql "SELECT status, error FROM runs WHERE id = $RUN")"
finished=$(sql "SELECT finished_at FROM runs WHERE id = $RUN")

HEADERS=$IT_TMP/a.headers check_header Content-Type '^text/event-stream' "the stream is text/event-stream"
HEADERS=$IT_TMP/a.headers check_header Cache-Control 'no-store' "the stream is not cached"
events_of "$IT_TMP/a" >"$IT_TMP/a.events"
for want in '^run {"status":"running"' '^step {"block":"talk".*"status":"running"' \
	'^log {"block":"talk".*"message":"hello from talk"' '^progress {"block":"talk".*"message":"half way".*"fraction":0.5' \
	'^step {"block":"talk".*"status":"ok".*"duration_ms":[0-9]+.*"items":\{"out":1\}' \
	'^step {"block":"wait".*"status":"running"' '^log {"block":"wait".*"message":"GET http' \
	'^step {"block":"wait".*"status":"ok"' '^end {"status":"succeeded"'; do
	if grep -qE -- "$want" "$IT_TMP/a.events"; then it_pass "an event $want"; else
		it_fail "an event $want" "$(cat "$IT_TMP/a.events")"; fi
done
check_eq "$(tail -n 1 "$IT_TMP/a.events" | cut -d' ' -f1)" end "the end is the last event"

# Arrival before the end: the wait step's start and its log line reached curl
# before the run's end was written (both in wall-clock ms on this machine).
for what in '"block":"wait".*"status":"running"' '"message":"GET http' '"message":"half way"'; do
	at=$(arrival "$IT_TMP/a" "data: .*$what")
	if [ -n "$at" ] && [ -n "$finished" ] && [ "$at" -lt "$finished" ]; then
		it_pass "$what arrived at $at, before the run ended at $finished"
	else
		it_fail "$what arrived before the run ended" "arrived at '$at', the run ended at '$finished'"
	fi
done

ids_of "$IT_TMP/a" >"$IT_TMP/a.ids"
{ echo "$first"; ids_of "$IT_TMP/b"; } >"$IT_TMP/b.ids"
if [ -n "$first" ] && cmp -s "$IT_TMP/a.ids" "$IT_TMP/b.ids"; then
	it_pass "a dropped stream resumed from its Last-Event-ID: the same $(wc -l <"$IT_TMP/a.ids") events, none lost or twice"
else
	it_fail "a dropped stream resumes from its Last-Event-ID" "whole: $(tr '\n' ' ' <"$IT_TMP/a.ids")" \
		"dropped and resumed: $(tr '\n' ' ' <"$IT_TMP/b.ids")"
fi

# After the end: from the second event on, and the JSON twin.
second=$(sed -n 2p "$IT_TMP/a.ids")
stream "/runs/$RUN/events" "$IT_TMP/c" -H "Last-Event-ID: $second"
check_eq "$(ids_of "$IT_TMP/c" | tr '\n' ' ')" "$(tail -n +3 "$IT_TMP/a.ids" | tr '\n' ' ')" \
	"after the end, a reader takes up after the id it names"
stream "/runs/$RUN/events?after=$second" "$IT_TMP/d"
check_eq "$(ids_of "$IT_TMP/d" | wc -l)" "$(($(wc -l <"$IT_TMP/a.ids") - 2))" "?after= does as Last-Event-ID (the page's first connection)"
req GET "/runs/$RUN/events" "${API[@]}"
check_status 200 "the JSON twin"
check_json '.events | length' "$(wc -l <"$IT_TMP/a.ids")" "the JSON twin lists every event"
check_json '.ended' true "the JSON twin says the run ended"
check_json '.events[-1].type' end "the JSON twin's last event is the end"
req GET "/runs/$RUN/events?after=$second" "${API[@]}"
check_json '.events[0].id' "$(sed -n 3p "$IT_TMP/a.ids")" "the JSON twin starts after ?after="

## Refusals.

SSE=(-H "Authorization: Bearer $TOKEN" -H 'Accept: text/event-stream')
req GET "/runs/$RUN/events" "${SSE[@]}" -H 'Last-Event-ID: yesterday'
check_status 400 "a Last-Event-ID that is not ours"
check_body_contains 'EPOCH-NUMBER' "the refusal says what an id looks like"
req GET "/runs/$RUN/events" "${SSE[@]}" -H 'Last-Event-ID: 1-5'
check_status 200 "an id of an earlier daemon"
check_body_contains 'event: reload' "an id of an earlier daemon asks the page to reload"
req GET "/runs/999999/events" "${SSE[@]}"
check_status 404 "the events of a run that does not exist"
JAR="" req GET "/runs/$RUN/events"
check_status 303 "no stream without signing in"

## Eight streams on two request threads, and the ninth refused.

start_run
pids=()
for i in 1 2 3 4 5 6 7 8; do
	stream "/runs/$RUN/events" "$IT_TMP/many$i" &
	pids+=($!)
done
open=0
for ((i = 0; i < 100; i++)); do
	req GET /healthz -H 'Accept: application/json'
	open=$(jqb .streams.open)
	[ "$open" = 8 ] && break
	sleep 0.1
done
check_eq "$open" 8 "eight streams are open at once (/healthz counts them)"
check_json .request_threads 2 "on two request threads"
req GET /workflows -H "Authorization: Bearer $TOKEN"
check_status 200 "with eight streams open, a page still answers on the two request threads"
req GET "/runs/$RUN/events" "${SSE[@]}"
check_status 429 "a ninth stream of the same person"
check_body_contains 'live streams open' "the 429 says why"
check_header Retry-After '^[0-9]+$' "the 429 says when to try again"
for p in "${pids[@]}"; do wait "$p"; done
closed=no
for ((i = 0; i < 50; i++)); do
	req GET /healthz -H 'Accept: application/json'
	[ "$(jqb .streams.open)" = 0 ] && closed=yes && break
	sleep 0.1
done
check_eq "$closed" yes "every stream closed at the run's end"
check_eq "$(grep -c 'event: end' "$IT_TMP"/many* | grep -c ':1$')" 8 "each of the eight got the end"

## A late reader of a step that logged more than the ring holds, and signing out.

# fetch asks for 200 addresses one after the other (a log line and a step
# event each), the last of which (/hold) answers only when the test says so.
LIVE_WF=$WF
it_create_workflow "chatty" '{"format": 1, "trigger": {"type": "manual"},
	"blocks": [{"id": "list", "type": "json.set", "config": {"set": {"n": 200}}},
	           {"id": "fetch", "type": "http.request", "config": {"url": "{{ item }}", "method": "GET"},
	            "settings": {"for_each": "body.urls", "concurrency": 1, "timeout_ms": 120000}}],
	"edges": [{"from": "list.out", "to": "fetch.body"}]}'
case $WF in '' | null) it_fail "create the chatty workflow" "$(it_answer)" ;; esac
urls=$(jq -n --arg base "http://127.0.0.1:$HTTP_PORT" '{urls: ([range(199) | "\($base)/query?n=\(.)"] + ["\($base)/hold"])}')
req POST "/workflows/$WF/run" "${API[@]}" -H 'Content-Type: application/json' --data "{\"input\": $urls}"
RUN=$(jqb .run.id)
case $RUN in '' | null) it_fail "start the chatty run" "$(it_answer)" ;; esac
WF=$LIVE_WF
# Whether the JSON twin (a late reader itself), page after page, has a log line of item $1.
logged() {
	local after="" seen=no
	while :; do
		req GET "/runs/$RUN/events${after:+?after=$after}" "${API[@]}"
		[ "$(jqb "[.events[] | select(.type == \"log\" and .data.item == $1)] | length")" = 0 ] || seen=yes
		[ "$(jqb '.events | length')" -gt 0 ] || break
		after=$(jqb .last_event_id)
	done
	echo "$seen"
}
for ((i = 0; i < 300; i++)); do
	[ "$(logged 199)" = yes ] && break
	sleep 0.1
done
check_eq "$(logged 199)" yes "the step runs on, at its last address, after 199 log lines and as many step events"
check_eq "$(logged 0)" yes "the JSON twin, read now, has its first line"
stream "/runs/$RUN/events" "$IT_TMP/late" &
L=$!
# The same run watched from two browser sessions of the owner: the second
# ends the first (as from the sessions page), then signs out.
OWNER_JAR=$JAR
JAR=$IT_TMP/second.jar
req GET /login
req POST /login --data-urlencode "csrf=$(csrf_from_body)" --data-urlencode username=owner \
	--data-urlencode 'password=correct horse battery staple'
check_status 303 "the owner signs in a second time"
req GET /account
SECOND_CSRF=$(csrf_from_body)
watch_as() { # JAR OUT: the run's stream in that session, in the background (its pid in WATCHER)
	timeout 60 curl -sSN -b "$1" -H 'Accept: text/event-stream' "$BASE_URL/runs/$RUN/events" >"$2" &
	WATCHER=$!
	for ((i = 0; i < 100; i++)); do grep -q '"item":199' "$2" && break; sleep 0.1; done
}
# closed_by WHAT PID OUT: the stream ended by itself, saying why, while the run goes on.
closed_by() {
	wait "$2"
	check_eq "$?" 0 "$1 closed the session's open stream (curl was not stopped by its timeout)"
	if grep -q '^event: closing' "$3" && grep -q 'session ended' "$3"; then it_pass "... saying why"; else
		it_fail "... saying why" "$(tail -n 4 "$3")"; fi
	check_eq "$(sql "SELECT status FROM runs WHERE id = $RUN")" running "... while the run goes on"
}
watch_as "$OWNER_JAR" "$IT_TMP/first"
FIRST=$WATCHER
watch_as "$JAR" "$IT_TMP/second"
SECOND=$WATCHER
req POST /account/sessions/end-others --data-urlencode "csrf=$SECOND_CSRF"
check_status 303 "the second session ends the other"
closed_by "ending a session" "$FIRST" "$IT_TMP/first"
if grep -q 'event: closing' "$IT_TMP/second"; then it_fail "the second session's stream stays open" "$(tail -n 3 "$IT_TMP/second")"; else
	it_pass "the second session's stream stays open"; fi
req POST /logout --data-urlencode "csrf=$SECOND_CSRF"
check_status 303 "the second session signs out"
closed_by "signing out" "$SECOND" "$IT_TMP/second"
curl -sS "http://127.0.0.1:$HTTP_PORT/release" >/dev/null
wait "$L"
check_eq "$?" 0 "the late reader's stream ends with the run"
events_of "$IT_TMP/late" | grep '^log {"block":"fetch"' >"$IT_TMP/late.logs"
check_eq "$(head -n 1 "$IT_TMP/late.logs" | grep -o '"item":[0-9]*')" '"item":0' \
	"a reader that came after 200 lines and 200 step events reads the running step's log from its first line"
check_eq "$(grep -o '"item":[0-9]*' "$IT_TMP/late.logs" | sort -u | wc -l)" 200 "... every item's"

## Stopping axond with a stream open: the stream is told, and axond stops cleanly.

start_run
stream "/runs/$RUN/events" "$IT_TMP/stopping" &
S=$!
it_wait_sql "SELECT status FROM runs WHERE id = $RUN" running || it_fail "the run starts" "$(sql "SELECT status FROM runs WHERE id = $RUN")"
for ((i = 0; i < 50; i++)); do grep -q 'event: run' "$IT_TMP/stopping" && break; sleep 0.1; done
it_stop_axond
check_eq "$?" 0 "axond stops cleanly with a stream open"
wait "$S"
check_eq "$?" 0 "the stream ends when axond stops"
if grep -q 'event: closing' "$IT_TMP/stopping"; then it_pass "... telling its reader why"; else
	it_fail "... telling its reader why" "$(cat "$IT_TMP/stopping")"; fi

it_done
