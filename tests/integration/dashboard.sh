#!/bin/bash
# The dashboard through real nginx, in HTML and in JSON: runs by status per
# hour and per day with their success rate, run duration percentiles per
# workflow, the slowest and the most failing blocks, recent failures linking
# to their runs, the queue and the database; the workflow page gets the same
# figures for that workflow alone. The hourly aggregates agree with the runs
# and steps they count.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start nginx
it_setup_owner "dashboard pw"
it_api_token dashboard

echo "# an empty dashboard"
req GET /dashboard "${API[@]}"
check_status 200 "the dashboard of a new instance"
check_json '.figures.runs_over_time[0].success_rate_text' null "no success rate without runs"
check_json '.figures.runs_over_time[0].rows | length' 24 "24 hours"
check_json '.figures.runs_over_time[1].rows | length' 30 "30 days"
check_json '.figures.durations.rows | length' 0 "no durations"

echo "# runs that fail and runs that succeed"
# Loopback is outside the egress policy: the fetch fails at once.
it_create_workflow "Flaky" '{"format": 1, "trigger": {"type": "manual"},
  "blocks": [{"id": "fetch", "type": "http.request", "config": {"url": "http://127.0.0.1:9/"}}]}'
BAD=$WF
FAILED=()
for i in 1 2; do
	req POST "/workflows/$BAD/run?wait=30" "${API[@]}" --data 'input={}'
	check_json .run.status failed "failing run $i"
	FAILED+=("$(jqb .run.id)")
done
it_create_workflow "Steady" '{"format": 1, "trigger": {"type": "manual"},
  "blocks": [{"id": "set", "type": "json.set", "config": {"set": {"done": true}}},
    {"id": "again", "type": "json.set", "config": {"set": {"twice": true}}}],
  "edges": [{"from": "set.out", "to": "again.in"}]}'
GOOD=$WF
for i in 1 2 3; do
	req POST "/workflows/$GOOD/run?wait=30" "${API[@]}" --data 'input={}'
	check_json .run.status succeeded "succeeding run $i"
done

req GET /dashboard "${API[@]}"
check_status 200 "the dashboard in JSON"
check_json '.figures.runs_over_time[0] | "\(.succeeded) \(.failed) \(.cancelled)"' "3 2 0" "the last day's runs by status"
check_json '.figures.runs_over_time[0].rows[23].total' 5 "... all in the current hour, the last"
check_json '.figures.runs_over_time[0].success_rate_text' "60.0%" "... a success rate of 3 in 5"
check_json '.figures.runs_over_time[1].rows[29] | "\(.succeeded) \(.failed)"' "3 2" "today's runs in the month"
check_json '[.figures.runs_over_time[0].chart.bars[] | .series] | sort | join(",")' "failed,succeeded" \
	"the current hour's bar stacks succeeded and failed"
check_json '.figures.durations.rows | map("\(.workflow) \(.runs)") | sort | join(",")' "Flaky 2,Steady 3" \
	"durations per workflow"
check_json '.figures.durations.rows[0] | (.p50_ms <= .p95_ms and .p95_ms <= .p99_ms)' true "p50 <= p95 <= p99"
check_json '.figures.durations.chart.groups | length' 2 "... drawn as one group of bars per workflow"
check_json '.figures.failing_blocks | map("\(.block) \(.failures) \(.failure_rate_text)") | join(",")' "fetch 2 100.0%" \
	"the most failing block"
check_json '.figures.slowest_blocks | map(.block) | sort | join(",")' "again,fetch,set" "the blocks by mean duration"
check_json '.figures.slowest_blocks | map(.steps) | add' 8 "... 2 + 3 + 3 steps"
check_json '.figures.recent_failures | map(.url) | join(",")' "/runs/${FAILED[1]},/runs/${FAILED[0]}" \
	"recent failures, newest first, with links to their runs"
check_json '.figures.recent_failures[0].failed_block' fetch "... and the block that failed"
check_json '.queue | "\(.waiting) \(.running)"' "0 0" "the queue now"
check_json '.database.size_bytes > 0' true "the database's size"
check_json '.database.runs_stored' 5 "the runs stored"
check_json '.database.keep_runs_for' "30 days" "... and how long they are kept"

echo "# the aggregates agree with the runs and steps"
check_json '[.figures.durations.rows[] | .last_day.runs] | add' 5 "the last day's durations"
check_eq "$(sql "SELECT sum(runs) FROM run_stats WHERE span = 1")" 5 "runs ended, counted per hour"
check_eq "$(sql "SELECT sum(runs) FROM run_stats WHERE span = 24")" 5 "... and per day"
check_eq "$(sql "SELECT sum(runs) FROM run_duration_stats WHERE span = 1")" 5 "... and per duration bucket"
check_eq "$(sql "SELECT sum(steps) || ' ' || sum(failures) FROM step_days")" \
	"$(sql "SELECT count(*) || ' ' || sum(status = 'failed') FROM steps WHERE status IN ('ok', 'failed')")" \
	"steps ended, counted once each"

echo "# the page"
JAR=$IT_TMP/owner.jar req GET /
check_header Location '/dashboard$' "the home page after sign-in is the dashboard"
JAR=$IT_TMP/owner.jar req GET /dashboard
check_status 200 "the dashboard page"
check_body_contains '<a href="/dashboard">Dashboard</a>' "the nav links to it"
check_body_contains '<svg class="chart bars" aria-hidden="true"' "its charts are inline SVG"
check_body_contains '<rect class="failed"' "... with bars by status"
check_body_contains '<caption>Runs per hour over the last 24 hours (UTC), by status</caption>' \
	"each chart is also a table"
check_body_contains "<a href=\"/runs/${FAILED[1]}\">" "a recent failure links to its run"
check_body_contains '<td class="error-text">' "... with its error"
check_body_contains '<strong class="rate">60.0%</strong>' "the success rate"
check_body_contains 'Pruning would give back' "what pruning would give back"

echo "# a workflow's own figures"
req GET "/workflows/$GOOD" "${API[@]}"
check_status 200 "the workflow's page in JSON"
check_json '.figures.runs_over_time[0] | "\(.succeeded) \(.failed)"' "3 0" "its runs alone"
check_json '.figures.durations.rows | map(.workflow) | join(",")' "Steady" "its durations alone"
check_json '.figures.recent_failures | length' 0 "none of the other's failures"
JAR=$IT_TMP/owner.jar req GET "/workflows/$BAD"
check_body_contains '<strong class="rate">0.0%</strong>' "the failing workflow's page shows its success rate"
check_body_contains "<a href=\"/runs/${FAILED[0]}\">" "... and its failures"

echo "# what pruning would give back"
sql "UPDATE runs SET created_at = created_at - 40 * CAST(86400000 AS BIGINT) WHERE id IN (${FAILED[0]}, ${FAILED[1]})" >/dev/null
req GET /dashboard "${API[@]}"
check_json '.database.runs_prunable' 2 "runs created more than keep_runs_for ago"
check_json '.database.prunable_bytes > 0' true "... and the space they hold"

echo "# refusals"
JAR='' req GET /dashboard
check_status 303 "signed out, the dashboard sends to sign-in"
it_done
