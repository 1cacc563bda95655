#!/bin/bash
# The engine end to end, through real nginx and real sandboxed blocks: a
# synchronous webhook running three blocks and answering with the last one's
# output, signed webhooks (accepted, wrong, stale, replayed), deduplicated
# deliveries, a manual run with for_each and a branch, an invalid workflow
# refused with its problems, flow.call, the error workflow, a kill -9 of
# axond in the middle of a slow run (after a restart the run completes and no
# finished step runs twice), a schedule's missed tick firing once, and a
# killed sandbox zygote replaced.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
# A local HTTP server with a slow address, for the block that is running when axond is killed.
it_start_http_server || it_skip "the test HTTP server did not start (python3 missing?)"

# The core blocks, and the hostile test plugin for a block that never ends by itself.
it_start nginx "egress_allow_loopback = yes" "max_call_depth = 1" "plugin_dirs = $(it_plugin_dir):$top_builddir/tests/sandbox/.libs"

it_setup_owner "engine test pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token engine
JAR=


echo "# a synchronous webhook: json.set -> text.template -> the reply"
it_create_workflow "Greeter" '{"format": 1, "trigger": {"type": "webhook", "reply": "reply.out"},
  "blocks": [
    {"id": "shape", "type": "json.set", "config": {"set": {"who": "{{ trigger.body.name }}", "n": "{{ trigger.query.n | default: 1 }}"}}},
    {"id": "greet", "type": "text.template", "config": {"template": "Hello {{ in.who }} x{{ shape.out.n }}"}},
    {"id": "reply", "type": "json.set", "config": {"set": {"status": 201, "headers": {"X-Greeting": "yes"}, "body": "{{ greet.text }}"}}}
  ],
  "edges": [{"from": "shape.out", "to": "greet.in"}, {"from": "shape.out", "to": "reply.in"}, {"from": "greet.text", "to": "reply.in"}]}'
check_status 201 "create the webhook workflow"
GREETER=$WF
req GET "/workflows/$GREETER" "${API[@]}"
check_json '.problems | length' 0 "the workflow page lists no problems"
req POST "/workflows/$GREETER/webhook" "${API[@]}" --data action=create
check_status 201 "a webhook address"
HOOK=$(jqb .path)
check_eq "${HOOK:0:7}" /hooks/ "the address is under /hooks/"
req POST "$HOOK?n=3" -H 'Content-Type: application/json' --data '{"name": "Ada"}'
check_status 201 "the webhook answers with the reply block's status"
check_eq "$(cat "$BODY")" "Hello Ada x3" "... and its body"
check_header X-Greeting '^yes$' "... and its headers"
check_eq "$(grep -ci '^Set-Cookie:' "$HEADERS")" 0 "... and no cookie: a hook's caller is a program with no session"
check_eq "$(grep -ci '^Content-Security-Policy: sandbox' "$HEADERS")" 1 "... sandboxed by CSP"
check_eq "$(sql "SELECT status || ' ' || trigger FROM runs ORDER BY id DESC LIMIT 1")" "succeeded webhook" "the run is recorded"
check_eq "$(sql "SELECT group_concat(block || ':' || status || ':' || outcome, ' ') FROM (SELECT * FROM steps WHERE run_id = (SELECT max(id) FROM runs) ORDER BY seq) AS s")" \
	"shape:ok:ok greet:ok:ok reply:ok:ok" "every step is recorded, in order"
check_eq "$(sql "SELECT count(*) FROM deliveries WHERE workflow_id = $GREETER AND run_id IS NOT NULL")" 1 "the delivery is logged"
req GET /hooks/not-a-real-token
check_status 404 "an unknown hook address"
DELIVERY=$(sql "SELECT max(id) FROM deliveries WHERE workflow_id = $GREETER")
req POST "/workflows/$GREETER/deliveries/$DELIVERY/replay" "${API[@]}"
check_status 201 "replay a delivery from its page"
REPLAY_RUN=$(jqb .run.id)
it_wait_run "$REPLAY_RUN" succeeded
check_eq "$(sql "SELECT trigger || ' ' || status || ' ' || json_extract(input, '$.body.name') FROM runs WHERE id = $REPLAY_RUN")" \
	"replay succeeded Ada" "... runs the workflow again with the delivery's data"
req GET "/workflows/$GREETER/webhook" "${API[@]}"
check_json '.deliveries | length' 1 "the webhook page lists the delivery"
check_json '.deliveries[0].replay_url' "/workflows/$GREETER/deliveries/$DELIVERY/replay" "... with its replay address"

if ! it_on_postgresql; then
	echo "# a quick run is written once, under an id reserved before it ran"
	ROW=$(sql "SELECT max(id) FROM runs WHERE trigger = 'webhook'")
	check_eq "$(sql "SELECT count(*) FROM runs WHERE id = $ROW AND started_at IS NOT NULL AND finished_at >= started_at AND started_at >= created_at")" 1 \
		"... with its creation, start and end"
	# A row another process inserts meanwhile is numbered past the ids axond holds.
	sql "INSERT INTO runs (workflow_id, version, trigger, input, status, created_at) VALUES ($GREETER, 1, 'manual', '{}', 'cancelled', 0)"
	OTHER=$(sql "SELECT max(id) FROM runs")
	req POST "$HOOK" -H 'Content-Type: application/json' --data '{"name": "Cy"}'
	check_status 201 "a webhook after a run inserted by another process"
	NEXT=$(sql "SELECT max(id) FROM runs WHERE trigger = 'webhook'")
	check_eq "$(( NEXT > ROW && NEXT < OTHER ))" 1 "... runs under the next reserved id ($ROW < $NEXT < $OTHER)"
	check_eq "$(sql "SELECT count(*) FROM runs WHERE id IN ($ROW, $NEXT, $OTHER)")" 3 "... and both rows are there"
	sql "DELETE FROM runs WHERE id = $OTHER"
fi

echo "# deduplicated deliveries"
req POST "$HOOK" -H 'Content-Type: application/json' -H 'X-Axon-Delivery: d-1' --data '{"name": "Bo"}'
check_status 201 "a delivery with a key"
runs_before=$(sql "SELECT count(*) FROM runs")
req POST "$HOOK" -H 'Content-Type: application/json' -H 'X-Axon-Delivery: d-1' --data '{"name": "Bo"}'
check_status 200 "the same delivery again"
check_eq "$(sql "SELECT count(*) FROM runs")" "$runs_before" "... starts no second run"

echo "# signed webhooks"
it_create_workflow "Signed" '{"format": 1, "trigger": {"type": "webhook", "signed": true, "replay_window_s": 60},
  "blocks": [{"id": "a", "type": "json.set", "config": {}}]}'
SIGNED=$WF
req POST "/workflows/$SIGNED/webhook" "${API[@]}" --data action=sign
SHOOK=$(jqb .path)
SECRET=$(jqb .secret)
check_eq "${#SECRET}" 64 "the signing secret is shown once"
req GET "/workflows/$SIGNED/webhook" "${API[@]}"
check_body_lacks "$SECRET" "... and never again"
sign() { # TIMESTAMP BODY
	printf '%s' "$1.$2" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.* //'
}
now=$(date +%s)
body='{"x":1}'
req POST "$SHOOK" -H "X-Axon-Timestamp: $now" -H "X-Axon-Signature: sha256=$(sign "$now" "$body")" --data "$body"
check_status 202 "a well-signed delivery is accepted"
check_json '.run.url | startswith("/runs/")' true "... with the run's address"
req POST "$SHOOK" -H "X-Axon-Timestamp: $now" -H "X-Axon-Signature: sha256=$(sign "$now" "$body")" --data "$body"
check_status 409 "the same signed delivery replayed"
req POST "$SHOOK" -H "X-Axon-Timestamp: $now" -H "X-Axon-Signature: sha256=$(sign "$now" '{"x":2}')" --data "$body"
check_status 401 "a signature of another body"
check_body_contains "does not match" "... says why"
old=$((now - 3600))
req POST "$SHOOK" -H "X-Axon-Timestamp: $old" -H "X-Axon-Signature: sha256=$(sign "$old" "$body")" --data "$body"
check_status 401 "a stale timestamp"
req POST "$SHOOK" --data "$body"
check_status 401 "no signature at all"
check_eq "$(sql "SELECT count(*) FROM runs WHERE workflow_id = $SIGNED")" 1 "only the good delivery started a run"

echo "# a manual run: for_each and a branch"
it_create_workflow "Lists" '{"format": 1, "trigger": {"type": "manual"},
  "blocks": [
    {"id": "each", "type": "text.template", "config": {"template": "#{{ index }}: {{ item.name }}"}, "settings": {"for_each": "in", "concurrency": 2}},
    {"id": "check", "type": "flow.if", "config": {"path": "n", "op": "gt", "value": 10}},
    {"id": "big", "type": "json.set", "config": {"set": {"size": "big"}}},
    {"id": "small", "type": "json.set", "config": {"set": {"size": "small"}}}
  ],
  "edges": [{"from": "check.true", "to": "big.in"}, {"from": "check.false", "to": "small.in"}]}'
LISTS=$WF
req POST "/workflows/$LISTS/run?wait=30" "${API[@]}" -H 'Content-Type: application/json' \
	--data '{"input": {"n": 3}}'
check_status 201 "a manual run through the API"
check_json .run.status failed "for_each over a missing input fails the run"
check_json '.run.error | contains("for_each")' true "... naming for_each"
it_create_workflow "Lists 2" '{"format": 1, "trigger": {"type": "manual"},
  "blocks": [
    {"id": "src", "type": "json.set", "config": {"set": {"flag": true}}},
    {"id": "each", "type": "text.template", "config": {"template": "#{{ index }}: {{ item.name }}"}, "settings": {"for_each": "in.items", "concurrency": 2}},
    {"id": "check", "type": "flow.if", "config": {"path": "n", "op": "gt", "value": 10}},
    {"id": "big", "type": "json.set", "config": {"set": {"size": "big"}}},
    {"id": "small", "type": "json.set", "config": {"set": {"size": "small"}}}
  ],
  "edges": [{"from": "src.out", "to": "check.in"}, {"from": "src.out", "to": "each.in"},
            {"from": "check.true", "to": "big.in"}, {"from": "check.false", "to": "small.in"}]}'
LISTS=$WF
req POST "/workflows/$LISTS/run?wait=30" "${API[@]}" -H 'Content-Type: application/json' \
	--data '{"input": {"n": 3, "items": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}}'
check_json .run.status succeeded "a run with for_each and a branch"
check_json '.run.steps[] | select(.block == "each") | .outputs.text | join(",")' "#0: a,#1: b,#2: c" \
	"for_each ran once per element, results in order"
check_json '.run.steps[] | select(.block == "big") | .status' skipped "the silent branch is skipped"
check_json '.run.steps[] | select(.block == "small") | .outputs.out.size' small "the taken branch ran"
check_json '.run.steps[] | select(.block == "small") | .outputs.out.items | length' 3 "... with the data that reached it"

echo "# an invalid workflow is refused before it runs"
it_create_workflow "Broken" '{"format": 1, "trigger": {"type": "manual"},
  "blocks": [{"id": "a", "type": "no.such_block"}, {"id": "b", "type": "json.set", "config": {"set": {"x": "{{ zz.y }}"}}}]}'
BROKEN=$WF
runs_before=$(sql "SELECT count(*) FROM runs")
req POST "/workflows/$BROKEN/run" "${API[@]}" --data 'input={}'
check_status 422 "running an invalid workflow"
check_eq "$(head -n 1 "$HEADERS" | tr -d '\r')" "HTTP/1.1 422 Unprocessable Content" "... with its reason phrase in the status line"
check_json '.error.fields.problems | length' 2 "... lists every problem"
check_json '.error.fields.problems[0].block' a "... with the block id"
check_eq "$(sql "SELECT count(*) FROM runs")" "$runs_before" "... and starts nothing"
req GET "/workflows/$BROKEN" "${API[@]}"
check_json '.problems | length' 2 "the workflow page shows the problems"

echo "# flow.call and the error workflow"
it_create_workflow "Alerts" '{"format": 1, "trigger": {"type": "manual"}, "blocks": [{"id": "note", "type": "json.set", "config": {"set": {"failed": "{{ trigger.run_id }}"}}}]}'
ALERTS=$WF
it_create_workflow "Child" '{"format": 1, "trigger": {"type": "manual"}, "blocks": [{"id": "double", "type": "json.set", "config": {"set": {"v": "{{ trigger.v }}", "from": "child"}}}]}'
it_create_workflow "Parent" '{"format": 1, "trigger": {"type": "manual"},
  "blocks": [{"id": "call", "type": "flow.call", "config": {"workflow": "Child"}}], "edges": []}'
PARENT=$WF
req POST "/workflows/$PARENT/run?wait=30" "${API[@]}" --data 'input={"v":5}'
check_json .run.status succeeded "a workflow calls another"
check_json '.run.steps[0].outputs.out.double.out.from' child "... and gets its last blocks' outputs"
echo "# a synchronous webhook's run is run by its request thread; what outlives the caller's wait goes on in the workers"
SYNC_PATH=$(it_webhook_workflow "Sync call" '{"format": 1, "trigger": {"type": "webhook", "reply": "call.out"},
  "blocks": [{"id": "shape", "type": "json.set", "config": {"set": {"v": "{{ trigger.body.v }}"}}},
             {"id": "call", "type": "flow.call", "config": {"workflow": "Child"}}],
  "edges": [{"from": "shape.out", "to": "call.in"}]}')
req POST "$SYNC_PATH" -H 'Content-Type: application/json' --data '{"v": 7}'
check_status 200 "a synchronous webhook whose run calls another workflow answers"
check_json '.double.out.from' child "... with the called run's outputs"
check_eq "$(sql "SELECT d.status FROM deliveries d JOIN workflows w ON w.id = d.workflow_id WHERE w.name = 'Sync call'")" 200 "... and its delivery is recorded with the status answered"
# The caller waits timeout_ms + 1 s; a wait is not working time, so the run outlives that.
SYNC_PATH=$(it_webhook_workflow "Sync wait" '{"format": 1, "trigger": {"type": "webhook", "reply": "after.out"},
  "settings": {"timeout_ms": 500},
  "blocks": [{"id": "pause", "type": "flow.wait", "config": {"duration": "3s"}},
             {"id": "after", "type": "json.set", "config": {"set": {"done": true}}}],
  "edges": [{"from": "pause.out", "to": "after.in"}]}')
req POST "$SYNC_PATH" -H 'Content-Type: application/json' --data '{}'
check_status 504 "a synchronous run that outlives the caller's wait answers 504"
SYNC_RUN=$(jqb .error.fields.run_id)
it_wait_run "$SYNC_RUN" succeeded
check_eq "$(sql "SELECT status FROM runs WHERE id = $SYNC_RUN")" succeeded "... and goes on in the workers to its end"
check_eq "$(sql "SELECT d.status FROM deliveries d JOIN workflows w ON w.id = d.workflow_id WHERE w.name = 'Sync wait'")" 504 "... its delivery recorded as 504"
it_create_workflow "Grand" '{"format": 1, "trigger": {"type": "manual"}, "blocks": [{"id": "call", "type": "flow.call", "config": {"workflow": "Parent"}}]}'
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={"v":5}'
check_json .run.status failed "calls nested deeper than max_call_depth fail"
check_json '.run.error | contains("nested 2 deep, more than the limit of 1")' true "... saying how deep"
it_create_workflow "Looper" '{"format": 1, "trigger": {"type": "manual"}, "blocks": [{"id": "again", "type": "flow.call", "config": {"workflow": "Looper"}}],
  "settings": {"error_workflow": "Alerts"}}'
LOOPER=$WF
req POST "/workflows/$LOOPER/run?wait=30" "${API[@]}"
check_json .run.status failed "a workflow that calls itself fails"
check_json '.run.error | contains("calls itself") or contains("already running in this chain")' true "... saying it loops"
LOOP_RUN=$(jqb .run.id)
it_wait_sql "SELECT count(*) FROM runs WHERE workflow_id = $ALERTS AND status = 'succeeded'" 1
check_eq "$(sql "SELECT json_extract(input, '$.run_id') FROM runs WHERE workflow_id = $ALERTS")" "$LOOP_RUN" \
	"the error workflow ran with the failed run's id"
check_eq "$(sql "SELECT count(*) FROM dead_letters WHERE run_id = $LOOP_RUN")" 1 "the failed run is a dead letter"

echo "# kill -9 in the middle of a slow run"
it_create_workflow "Slow" "$(jq -n --arg url "http://127.0.0.1:$HTTP_PORT/slow" '{format: 1, trigger: {type: "manual"},
  blocks: [{id: "first", type: "json.set", config: {set: {a: 1}}},
           {id: "slow", type: "http.request", config: {url: $url}},
           {id: "last", type: "text.template", config: {template: "{{ slow.response.body }}"}}],
  edges: [{from: "first.out", to: "slow.body"}, {from: "slow.response", to: "last.in"}]}')"
SLOW=$WF
req POST "/workflows/$SLOW/run" "${API[@]}"
check_status 201 "start a slow run"
SLOW_RUN=$(jqb .run.id)
it_wait_sql "SELECT status FROM steps WHERE run_id = $SLOW_RUN AND block = 'slow'" running
first_started=$(sql "SELECT started_at FROM steps WHERE run_id = $SLOW_RUN AND block = 'first'")
kill -9 "$AXOND_PID"
it_wait_exit "$AXOND_PID" 50
check_eq "$(sql "SELECT status FROM runs WHERE id = $SLOW_RUN")" running "the run was running when axond died"
rm -f "$IT_TMP/axond.sock"
it_start_axond || exit 1
it_wait_healthz || exit 1
it_wait_run "$SLOW_RUN" succeeded
check_eq "$(sql "SELECT status FROM runs WHERE id = $SLOW_RUN")" succeeded "after a restart the run completes"
check_eq "$(sql "SELECT attempts || ' ' || started_at FROM steps WHERE run_id = $SLOW_RUN AND block = 'first'")" \
	"1 $first_started" "the finished step did not run again"
check_eq "$(sql "SELECT attempts FROM steps WHERE run_id = $SLOW_RUN AND block = 'slow'")" 2 "the interrupted step ran again"
check_eq "$(sql "SELECT json_extract(outputs, '$.text') FROM steps WHERE run_id = $SLOW_RUN AND block = 'last'")" late \
	"... and the run's last step has its answer"

echo "# cancel stops a block that is running"
it_create_workflow "Forever" '{"format": 1, "trigger": {"type": "manual"},
  "blocks": [{"id": "sleep", "type": "hostile.sleep_forever", "settings": {"timeout_ms": 60000}},
             {"id": "after", "type": "json.set", "config": {}}],
  "edges": [{"from": "sleep.out", "to": "after.in"}]}'
# Warm workers of other workflows stay; the one running the block must go.
workers_before=$(pgrep -P "$(pgrep -P "$AXOND_PID" | head -n 1)" | wc -l)
req POST "/workflows/$WF/run" "${API[@]}"
FOREVER_RUN=$(jqb .run.id)
it_wait_sql "SELECT status FROM steps WHERE run_id = $FOREVER_RUN AND block = 'sleep'" running
t0=$(date +%s)
req POST "/runs/$FOREVER_RUN/cancel" "${API[@]}"
check_status 200 "cancel a running run"
it_wait_run "$FOREVER_RUN" cancelled
check_eq "$(sql "SELECT status FROM runs WHERE id = $FOREVER_RUN")" cancelled "the run ends cancelled"
check_eq "$(( $(date +%s) - t0 < 10 ))" 1 "... within seconds, not at the block's 60 s limit"
check_eq "$(sql "SELECT status || ': ' || error FROM steps WHERE run_id = $FOREVER_RUN AND block = 'sleep'")" \
	"failed: the run was cancelled, and the block was stopped" "the running block was stopped"
check_eq "$(sql "SELECT count(*) FROM steps WHERE run_id = $FOREVER_RUN AND block = 'after'")" 0 "nothing after it ran"
# The zygote reaps the killed worker a moment later.
for _ in $(seq 50); do
	[ "$(pgrep -P "$(pgrep -P "$AXOND_PID" | head -n 1)" | wc -l)" -le "$workers_before" ] && break
	sleep 0.1
done
check_eq "$(pgrep -P "$(pgrep -P "$AXOND_PID" | head -n 1)" | wc -l)" "$workers_before" "no block process is left"

echo "# SIGTERM stops a block that is running, and its run goes on at the next start"
req POST "/workflows/$(sql "SELECT id FROM workflows WHERE name = 'Forever'")/run" "${API[@]}"
TERM_RUN=$(jqb .run.id)
it_wait_sql "SELECT status FROM steps WHERE run_id = $TERM_RUN AND block = 'sleep'" running
t0=$(date +%s)
it_stop_axond
check_eq "$?" 0 "axond stops on SIGTERM with a block running"
check_eq "$(( $(date +%s) - t0 < 10 ))" 1 "... within seconds, without waiting for the block's 60 s limit"
check_eq "$(sql "SELECT r.status || ' ' || s.status FROM runs r JOIN steps s ON s.run_id = r.id WHERE r.id = $TERM_RUN")" \
	"running running" "the run and its step are left to go on"
rm -f "$IT_TMP/axond.sock"
it_start_axond || exit 1
it_wait_healthz || exit 1
it_wait_sql "SELECT attempts FROM steps WHERE run_id = $TERM_RUN AND block = 'sleep'" 2
check_eq "$(sql "SELECT attempts FROM steps WHERE run_id = $TERM_RUN AND block = 'sleep'")" 2 "after the restart the block runs again"
req POST "/runs/$TERM_RUN/cancel" "${API[@]}"
it_wait_run "$TERM_RUN" cancelled

echo "# a schedule: a missed tick after downtime fires once"
it_create_workflow "Hourly" '{"format": 1, "trigger": {"type": "schedule", "cron": "0 * * * *"}, "blocks": [{"id": "a", "type": "json.set", "config": {}}]}'
HOURLY=$WF
it_create_workflow "Bad cron" '{"format": 1, "trigger": {"type": "schedule", "cron": "0 25 * * *"}, "blocks": [{"id": "a", "type": "json.set", "config": {}}]}'
req GET "/workflows/$WF" "${API[@]}"
check_json '.problems[0].message | contains("cron")' true "a bad cron expression is a problem of the workflow"
it_wait_sql "SELECT count(*) FROM schedule_ticks WHERE workflow_id = $HOURLY" 1
check_eq "$(sql "SELECT count(*) FROM runs WHERE workflow_id = $HOURLY")" 0 "a new schedule does not fire at once"
# As if axond had been down for three days.
sql "UPDATE schedule_ticks SET last_fire = last_fire - 3 * 86400 WHERE workflow_id = $HOURLY" >/dev/null
it_wait_sql "SELECT count(*) > 0 FROM runs WHERE workflow_id = $HOURLY" 1
sleep 3
check_eq "$(sql "SELECT count(*) || ' ' || min(trigger) FROM runs WHERE workflow_id = $HOURLY")" "1 schedule" \
	"three days of missed hourly ticks fire one run"

echo "# warm workers per workflow, and strict mode"
# count_run WORKFLOW: runs it and prints hostile.counter's count.
count_run() {
	req POST "/workflows/$1/run?wait=30" "${API[@]}"
	sql "SELECT json_extract(outputs, '$.out.count') FROM steps WHERE run_id = $(jqb .run.id) AND block = 'count'"
}
it_create_workflow "Warm counter" '{"format": 1, "trigger": {"type": "manual"}, "blocks": [{"id": "count", "type": "hostile.counter"}]}'
WARM=$WF
it_create_workflow "Other counter" '{"format": 1, "trigger": {"type": "manual"}, "blocks": [{"id": "count", "type": "hostile.counter"}]}'
OTHER=$WF
it_create_workflow "Strict counter" '{"format": 1, "trigger": {"type": "manual"}, "blocks": [{"id": "count", "type": "hostile.counter"}],
  "settings": {"sandbox": "strict"}}'
STRICT=$WF
check_eq "$(count_run "$WARM") $(count_run "$WARM") $(count_run "$WARM")" "1 2 3" \
	"a block's global lives on between runs of its workflow (a warm worker)"
check_eq "$(count_run "$OTHER")" 1 "... and never reaches another workflow"
check_eq "$(count_run "$STRICT") $(count_run "$STRICT")" "1 1" "a strict workflow gets a fresh process every run"
it_create_workflow "Bad mode" '{"format": 1, "trigger": {"type": "manual"}, "blocks": [{"id": "count", "type": "hostile.counter"}],
  "settings": {"sandbox": "loose"}}'
req GET "/workflows/$WF" "${API[@]}"
check_json '.problems[0].message | contains("\"warm\"")' true "an unknown sandbox mode is a problem of the workflow"

echo "# a killed sandbox zygote is replaced, and /healthz says so"
zygote=$(pgrep -P "$AXOND_PID" | head -n 1)
kill -KILL "$zygote"
for _ in $(seq 50); do
	req GET /healthz -H "Accept: application/json"
	[ "$(jqb .sandbox.zygote_restarts)" = 1 ] && break
	sleep 0.1
done
check_json .sandbox.zygote_restarts 1 "/healthz counts the zygote's restart"
check_json .sandbox.state ok "... and the sandbox is ok again"
check_eq "$(pgrep -P "$AXOND_PID" | grep -cvx "$zygote")" 1 "a new zygote runs"
check_eq "$(grep -c "zygote $zygote was killed by signal SIGKILL" "$IT_TMP/axond.log")" 1 "the log says why the old one died"
req POST "$HOOK?n=2" -H 'Content-Type: application/json' --data '{"name": "Bo"}'
check_eq "$(cat "$BODY")" "Hello Bo x2" "workflows run again"

echo "# the runs pages"
req GET "/runs?workflow=$GREETER" "${API[@]}"
check_status 200 "the runs of a workflow"
req GET "/runs/$SLOW_RUN" -H "Authorization: Bearer $TOKEN"
check_status 200 "a run's page"
check_body_contains "late" "... shows its outputs"

it_stop_axond
check_eq "$?" 0 "axond stops cleanly with runs recorded"
it_done
