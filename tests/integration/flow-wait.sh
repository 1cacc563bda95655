#!/bin/bash
# flow.wait through real nginx and axond: runs that wait hold no engine slot
# (a quick run goes by while more runs wait than the engine keeps in memory
# at work), a restart in the middle waits only for what is left, and bad
# durations and times fail the step with a message that says how to write them.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
# One engine worker: at most two runs at work in memory.
it_start nginx "sandbox_workers = 1"
it_setup_owner "wait test pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token wait
JAR=

# run WORKFLOW INPUT-JSON: starts a run; prints its id.
run() {
	req POST "/workflows/$1/run" "${API[@]}" -H 'Content-Type: application/json' --data "{\"input\": $2}"
	jqb .run.id
}

echo "# waiting runs hold no slot"
# 12 s: the four runs still wait at the restart below in the slowest build
# (ASan on PostgreSQL took more than 4 s to get there).
it_create_workflow "Waiter" '{"format": 1, "trigger": {"type": "manual"},
  "blocks": [{"id": "wait", "type": "flow.wait", "config": {"duration": "12s"}},
             {"id": "after", "type": "text.template", "config": {"template": "after {{ wait.out.x }}"}}],
  "edges": [{"from": "wait.out", "to": "after.in"}]}'
check_status 201 "a workflow with flow.wait is valid"
WAITER=$WF
RUNS=()
for x in 1 2 3 4; do
	RUNS+=("$(run "$WAITER" "{\"x\": $x}")")
done
for r in "${RUNS[@]}"; do
	it_wait_sql "SELECT status FROM steps WHERE run_id = $r AND block = 'wait'" waiting
done
check_eq "$(sql "SELECT count(*) FROM steps WHERE block = 'wait' AND status = 'waiting'")" 4 "four runs wait"
check_eq "$(sql "SELECT json_extract(logs, '\$[0].message') LIKE 'waiting until 20%Z' FROM steps WHERE run_id = ${RUNS[0]} AND block = 'wait'")" \
	1 "the step's log says until when"
it_create_workflow "Quick" '{"format": 1, "trigger": {"type": "manual"},
  "blocks": [{"id": "set", "type": "json.set", "config": {"set": {"ok": true}}}], "edges": []}'
QUICK_RUN=$(run "$WF" '{}')
it_wait_run "$QUICK_RUN" succeeded
check_eq "$?" 0 "a quick run goes by the waiting ones"
check_eq "$(sql "SELECT count(*) FROM runs WHERE workflow_id = $WAITER AND status = 'running'")" 4 "... while they still wait"

echo "# a restart waits only for what is left"
started=$(sql "SELECT started_at FROM steps WHERE run_id = ${RUNS[0]} AND block = 'wait'")
it_stop_axond
check_eq "$?" 0 "axond stops with runs waiting"
check_eq "$(sql "SELECT status FROM steps WHERE run_id = ${RUNS[0]} AND block = 'wait'")" waiting "the step stays waiting in the store"
rm -f "$IT_TMP/axond.sock"
it_start_axond || exit 1
it_wait_healthz || exit 1
for r in "${RUNS[@]}"; do
	it_wait_run "$r" succeeded
	check_eq "$?" 0 "run $r succeeds after the restart"
done
check_eq "$(sql "SELECT started_at FROM steps WHERE run_id = ${RUNS[0]} AND block = 'wait'")" "$started" \
	"the wait kept its first start"
check_eq "$(sql "SELECT finished_at - started_at >= 12000 FROM steps WHERE run_id = ${RUNS[0]} AND block = 'wait'")" 1 \
	"... and lasted its duration"
check_eq "$(sql "SELECT json_extract(outputs, '$.text') FROM steps WHERE run_id = ${RUNS[2]} AND block = 'after'")" \
	"after 3" "the input passes through the wait"

echo "# until, and bad values"
# wait_with CONFIG-JSON INPUT-JSON: a run of a one-block flow.wait workflow, to its end; prints its status.
n=0
wait_with() {
	n=$((n + 1))
	it_create_workflow "Wait $n" "{\"format\": 1, \"trigger\": {\"type\": \"manual\"},
	  \"blocks\": [{\"id\": \"wait\", \"type\": \"flow.wait\", \"config\": $1}], \"edges\": []}"
	local id
	id=$(run "$WF" "$2")
	it_wait_sql "SELECT status IN ('succeeded', 'failed') FROM runs WHERE id = $id" 1
	LAST_RUN=$id
}
wait_with '{"until": "{{ trigger.at }}"}' '{"at": "2001-01-01T00:00:00+01:00"}'
check_eq "$(sql "SELECT status FROM runs WHERE id = $LAST_RUN")" succeeded "a time already past does not wait"
wait_with '{"until": "{{ trigger.at }}"}' "{\"at\": \"$(date -u -d '+4 seconds' +%Y-%m-%dT%H:%M:%S.500Z)\"}"
check_eq "$(sql "SELECT status FROM runs WHERE id = $LAST_RUN")" succeeded "until a time four seconds away"
check_eq "$(sql "SELECT finished_at >= started_at + 1000 FROM steps WHERE run_id = $LAST_RUN")" 1 "... waits for it"
wait_with '{"duration": "soon"}' '{}'
check_eq "$(sql "SELECT status FROM runs WHERE id = $LAST_RUN")" failed "a duration that is not one fails the step"
check_contains "$(sql "SELECT error FROM steps WHERE run_id = $LAST_RUN")" "write a number followed by s, m, h or d" \
	"... saying how to write it"
wait_with '{"until": "2030-01-01T10:00:00"}' '{}'
check_contains "$(sql "SELECT error FROM steps WHERE run_id = $LAST_RUN")" "with an offset such as +01:00" \
	"a time without its zone is refused"
wait_with '{"duration": "1s", "until": "2030-01-01T10:00:00Z"}' '{}'
check_contains "$(sql "SELECT error FROM steps WHERE run_id = $LAST_RUN")" "not both" "both at once are refused"
it_done
