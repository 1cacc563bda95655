#!/bin/bash
# axond on PostgreSQL while the database goes away and comes back, without a
# restart of axond: a request that needs the database gets 503 with a
# sentence that says so and Retry-After; the log says that it is away and that
# it is back; pages and runs work again once it is; and a run that ended while
# it was away is recorded when it is back (its end is written again), neither
# lost nor left running.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_postgresql_only
it_init
it_start nginx
it_setup_owner "away test pw"
check_eq "$?" 0 "the owner is set up"
it_api_token away
JAR=

# One run that ends while the database is away (its wait ends 10 s after it
# starts: time for the slowest build to get to the outage), one that waits
# past the outage.
it_create_workflow "Ends away" '{"format": 1, "trigger": {"type": "manual"},
  "blocks": [{"id": "wait", "type": "flow.wait", "config": {"duration": "10s"}},
             {"id": "done", "type": "json.set", "config": {"set": {"done": true}}}],
  "edges": [{"from": "wait.out", "to": "done.in"}]}'
ENDS_AWAY=$WF
it_create_workflow "Ends after" '{"format": 1, "trigger": {"type": "manual"},
  "blocks": [{"id": "wait", "type": "flow.wait", "config": {"duration": "40s"}},
             {"id": "done", "type": "json.set", "config": {"set": {"done": true}}}],
  "edges": [{"from": "wait.out", "to": "done.in"}]}'
ENDS_AFTER=$WF
req POST "/workflows/$ENDS_AWAY/run" "${API[@]}" --data 'input={}'
AWAY_RUN=$(jqb .run.id)
req POST "/workflows/$ENDS_AFTER/run" "${API[@]}" --data 'input={}'
AFTER_RUN=$(jqb .run.id)
for r in "$AWAY_RUN" "$AFTER_RUN"; do
	it_wait_sql "SELECT status FROM steps WHERE run_id = $r AND block = 'wait'" waiting || it_fail "run $r waits"
done

echo "# the database goes away"
it_stop_postgresql || it_fail "PostgreSQL stops"
req GET /workflows "${API[@]}"
check_status 503 "a request that needs the database"
check_body_contains "is away: Axon reconnects by itself when it is back" "... says so"
check_eq "$(grep -ci '^retry-after:' "$HEADERS")" 1 "... with Retry-After"
# The first run's wait ends meanwhile, and its end cannot be written.
for _ in $(seq 1 300); do
	grep -q "cannot be recorded yet" "$IT_TMP/axond.log" && break
	sleep 0.1
done
check_eq "$(grep -c "run $AWAY_RUN ended succeeded but cannot be recorded yet" "$IT_TMP/axond.log")" 1 \
	"the end of the run that ended meanwhile waits to be written, said once"
if grep -q "is away (" "$IT_TMP/axond.log"; then
	it_pass "the log says that the database is away"
else
	it_fail "the log says that the database is away" "$(tail -n 5 "$IT_TMP/axond.log")"
fi

echo "# it comes back"
it_run_postgresql
ok=
for _ in $(seq 1 400); do # the pause between tries doubles up to 30 s
	req GET /workflows "${API[@]}"
	[ "$STATUS" = 200 ] && ok=1 && break
	sleep 0.1
done
BACK_AT=$(wc -l < "$IT_TMP/axond.log")
check_eq "${ok:-no}" 1 "requests work again, axond not restarted ($(grep -c " is back" "$IT_TMP/axond.log") connections back)"
it_wait_run "$AWAY_RUN" succeeded || it_fail "the run that ended while it was away is recorded" \
	"$(sql "SELECT status FROM runs WHERE id = $AWAY_RUN")"
check_eq "$(sql "SELECT count(*) FROM steps WHERE run_id = $AWAY_RUN AND status = 'ok'")" 2 "... with both its steps"
check_eq "$(grep -c "run $AWAY_RUN: its end is recorded, after" "$IT_TMP/axond.log")" 1 "... and the log says so"
it_wait_run "$AFTER_RUN" succeeded || it_fail "the run that waited past the outage succeeds"
# New runs are claimed and recorded by threads whose connections the server
# closed while they were idle: each notices before it sends anything.
for i in 1 2 3 4; do
	req POST "/workflows/$ENDS_AWAY/run" "${API[@]}" --data 'input={}'
	check_status 201 "new run $i starts"
	NEW_RUNS+=("$(jqb .run.id)")
done
for r in "${NEW_RUNS[@]}"; do
	it_wait_run "$r" succeeded || it_fail "new run $r succeeds" "$(sql "SELECT status FROM runs WHERE id = $r")"
done
errors=$(tail -n +"$((BACK_AT + 1))" "$IT_TMP/axond.log" | grep -E '^[^ ]+ error ' || true)
check_eq "${errors:-none}" none "nothing failed once requests worked again"
it_done
