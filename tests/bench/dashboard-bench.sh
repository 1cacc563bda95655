#!/bin/bash
# Dashboard figures (make bench): the dashboard and a workflow's page over a
# database seeded with 1,000,000 runs and 5,000,000 steps of 20 workflows
# (seed-runs.sh), through nginx, one request at a time with wrk for a few
# seconds each, and four at a time for the dashboard. Writes them under
# "## Dashboard" in docs/performance.md. DASHBOARD_BENCH_RUNS changes the
# number of runs (default 1000000), DASHBOARD_BENCH_SECONDS each wrk run's
# length (default 8).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
export top_srcdir top_builddir
RUNS=${DASHBOARD_BENCH_RUNS:-1000000}
SECS=${DASHBOARD_BENCH_SECONDS:-8}
WORKFLOWS=20
STEPS=5

# shellcheck source=SCRIPTDIR/../integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=SCRIPTDIR/wrk-lib.sh
. "$top_srcdir/tests/bench/wrk-lib.sh"
# A benchmark that cannot run is an error here, not a skip.
it_skip() {
	echo "dashboard-bench: $*" >&2
	exit 1
}
it_init
command -v wrk >/dev/null || it_skip "wrk is not installed"
# Nothing pruned while measuring: the seeded runs all stay.
it_start nginx threads=4 log_level=warn keep_runs=0 keep_runs_for=0
it_setup_owner "bench password" || it_skip "setup failed: $(it_answer)"
it_api_token bench || it_skip "no API token: $(it_answer)"
ids=()
for ((w = 1; w <= WORKFLOWS; w++)); do
	it_create_workflow "Seeded $w" "$(jq -cn --argjson n "$STEPS" '{format: 1, trigger: {type: "manual"},
		blocks: [range(0; $n) | {id: "b\(.)", type: "json.set", config: {set: {k: .}}}],
		edges: [range(1; $n) | {from: "b\(. - 1).out", to: "b\(.).in"}]}')"
	[ "$STATUS" = 201 ] || it_skip "creating a workflow answered $STATUS: $(it_answer)"
	ids+=("$WF")
done

it_stop_axond || it_skip "axond did not stop"
echo "dashboard-bench: seeding $RUNS runs and $((RUNS * STEPS)) steps"
seed_start=$SECONDS
"$top_srcdir/tests/bench/seed-runs.sh" "$DB" "$(IFS=,; echo "${ids[*]}")" "$RUNS" "$STEPS" >/dev/null ||
	it_skip "seeding failed"
seed_secs=$((SECONDS - seed_start))
db_bytes=$(stat -c %s "$DB")
it_start_axond || exit 1
it_wait_healthz || exit 1

req GET /dashboard "${API[@]}"
[ "$STATUS" = 200 ] || it_skip "GET /dashboard answered $STATUS: $(it_answer)"
month_runs=$(jqb '.figures.runs_over_time[1] | .succeeded + .failed + .cancelled')
echo "dashboard-bench: the dashboard counts $month_runs runs over 30 days"
[ "$month_runs" -gt $((RUNS * 9 / 10)) ] || it_skip "the dashboard counts $month_runs runs, not about $RUNS"
cookie="axon_session=$(awk '$6 == "axon_session" { print $7 }' "$JAR")"

echo "dashboard-bench: wrk, $SECS s each"
run_wrk html "$BASE_URL/dashboard" "$SECS" 1 -H "Cookie: $cookie"
run_wrk json "$BASE_URL/dashboard" "$SECS" 1 -H "Cookie: $cookie" -H 'Accept: application/json'
run_wrk workflow "$BASE_URL/workflows/${ids[0]}" "$SECS" 1 -H "Cookie: $cookie"
run_wrk html4 "$BASE_URL/dashboard" "$SECS" 4 -H "Cookie: $cookie"
# shellcheck disable=SC2154 # set by run_wrk
for e in "$html_errors" "$json_errors" "$workflow_errors" "$html4_errors"; do
	[ "$e" = 0 ] || it_skip "wrk saw $e failed requests"
done

load=$(cut -d' ' -f1 /proc/loadavg)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
# shellcheck disable=SC2154 # set by run_wrk
section=$(cat <<EOF
## Dashboard

\`tests/bench/dashboard-bench.sh\` ($(date -u +%Y-%m-%d), $(nproc) × ${cpu:-unknown CPU}, load average $load:
the machine is shared with other work while this runs, so take the figures as an upper bound).
A database seeded by \`tests/bench/seed-runs.sh\` with $RUNS runs and $((RUNS * STEPS)) steps of $WORKFLOWS
workflows over the last 30 days ($((db_bytes / 1048576)) MiB; seeding took $seed_secs s in one
transaction), through nginx, wrk for $SECS s per line. The dashboard reads the aggregates kept per
hour and per day (\`run_stats\`, \`run_duration_stats\`, \`step_days\`: a month of 20 workflows is a
few thousand rows), never the runs themselves, except the recent failures (an index of failed runs)
and the queue (an index of unfinished runs). Summing the month from hourly rows instead (720 per
workflow and bucket) took 250 ms at this size, hence the daily rows.

| page | connections | requests/s | p50 | p99 |
|---|---:|---:|---:|---:|
| \`GET /dashboard\` (HTML, every chart and table) | 1 | $html_rps | $html_p50 | $html_p99 |
| \`GET /dashboard\` (JSON) | 1 | $json_rps | $json_p50 | $json_p99 |
| \`GET /workflows/ID\` (one workflow's figures) | 1 | $workflow_rps | $workflow_p50 | $workflow_p99 |
| \`GET /dashboard\` (HTML) | 4 | $html4_rps | $html4_p50 | $html4_p99 |
EOF
)
echo
echo "$section"
write_performance_section Dashboard "$section"
exit 0
