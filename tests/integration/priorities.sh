#!/bin/bash
# Workflow priorities through nginx: with one engine worker kept busy by two
# slow runs in turn, a queue builds; once they end, high-priority runs leave it before
# low ones queued earlier, yet a low run that has waited long enough (twice
# queue_aging) goes before high ones queued after that, and every run ends.
# An unknown priority is a problem of the workflow.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start_http_server || it_skip "the test HTTP server did not start (python3 missing?)"

it_start nginx "sandbox_workers = 1" "queue_aging = 2s" "egress_allow_loopback = yes" "rate_runs_per_user = 0"
it_setup_owner 'priorities password' || { it_fail "setup" "$(it_answer)"; it_done; }
it_api_token prio || { it_fail "an API token" "$(it_answer)"; it_done; }

it_create_workflow "Slow" "{\"format\": 1, \"trigger\": {\"type\": \"manual\"},
  \"blocks\": [{\"id\": \"wait\", \"type\": \"http.request\", \"config\": {\"url\": \"http://127.0.0.1:$HTTP_PORT/slow\"}}]}"
SLOW=$WF
quick='"blocks": [{"id": "a", "type": "json.set", "config": {"set": {"n": "{{ trigger.n }}"}}}]'
it_create_workflow "Low" "{\"format\": 1, \"trigger\": {\"type\": \"manual\"}, \"settings\": {\"priority\": \"low\"}, $quick}"
LOW=$WF
it_create_workflow "High" "{\"format\": 1, \"trigger\": {\"type\": \"manual\"}, \"settings\": {\"priority\": \"high\"}, $quick}"
HIGH=$WF
req GET "/workflows/$HIGH" "${API[@]}"
check_json '.problems | length' 0 "priority high is a valid setting"

it_create_workflow "Urgent" '{"format": 1, "trigger": {"type": "manual"}, "settings": {"priority": "urgent"}, "blocks": []}'
req GET "/workflows/$WF" "${API[@]}"
check_json '.problems[0].message | test("\"priority\" must be \"high\", \"normal\" or \"low\"")' true \
	"an unknown priority is a problem, named"

run() { # WORKFLOW N
	req POST "/workflows/$1/run" "${API[@]}" -H 'Content-Type: application/json' --data "{\"input\": {\"n\": $2}}"
	[ "$STATUS" = 201 ] || it_fail "run $1 #$2" "$(it_answer)"
}

# The only worker runs the slow runs one after the other (3 s each), while
# the others wait in the queue.
run "$SLOW" 1
run "$SLOW" 2
it_wait_sql "SELECT count(*) FROM runs WHERE workflow_id = $SLOW AND status = 'running'" 1 ||
	it_fail "the first slow run starts"
# Meanwhile: three low runs, then three high ones.
for n in 1 2 3; do run "$LOW" "$n"; done
for n in 1 2 3; do run "$HIGH" "$n"; done
# High runs go on coming for 8 s, past the low runs' two agings.
for n in $(seq 4 30); do
	run "$HIGH" "$n"
	sleep 0.3
done
it_wait_sql "SELECT count(*) FROM runs WHERE status <> 'succeeded'" 0 ||
	it_fail "every run ends" "$(sql "SELECT workflow_id, status, count(*) FROM runs GROUP BY 1, 2")"

# The order runs left the queue in: when each started, after the slow ones.
order() {
	sql "SELECT group_concat(tag, ' ') FROM (SELECT CASE workflow_id WHEN $LOW THEN 'L' ELSE 'H' END
		|| json_extract(input, '\$.n') AS tag FROM runs WHERE workflow_id IN ($LOW, $HIGH)
		ORDER BY started_at, id) AS t"
}
ORDER=$(order)
echo "# started in this order: $ORDER"
check_eq "$(echo "$ORDER" | cut -d' ' -f1-3)" "H1 H2 H3" "high runs leave the queue before low ones queued earlier"
last_high=$(sql "SELECT max(started_at) FROM runs WHERE workflow_id = $HIGH")
check_eq "$(sql "SELECT count(*) FROM runs WHERE workflow_id = $LOW AND started_at < $last_high")" 3 \
	"low runs that waited long enough go before high runs queued later (aging)"
check_eq "$(sql "SELECT count(*) FROM runs WHERE workflow_id = $LOW AND status = 'succeeded'")" 3 "no low run starves"
it_done
