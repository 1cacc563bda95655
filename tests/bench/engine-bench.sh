#!/bin/bash
# Engine figures (make bench): a synchronous webhook through nginx running
# json.set -> text.template, each block in its own sandbox and every run and
# step recorded, under wrk at 16 connections; then asynchronous webhooks for
# 60 s, with the runs completed per second and the queue depth over time.
# Baselines measured in the same run: /healthz through the same nginx and
# axond (the FastCGI round trip, no engine) and a bare fork+exit+wait loop is
# in sandbox-bench.sh. Writes "## Engine" in docs/performance.md.
# ENGINE_BENCH_SECONDS and ENGINE_BENCH_ASYNC_SECONDS shorten the runs.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
export top_srcdir top_builddir
SYNC_SECONDS=${ENGINE_BENCH_SECONDS:-20}
ASYNC_SECONDS=${ENGINE_BENCH_ASYNC_SECONDS:-60}
CONNECTIONS=${ENGINE_BENCH_CONNECTIONS:-16}

# shellcheck source=SCRIPTDIR/../integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=SCRIPTDIR/wrk-lib.sh
. "$top_srcdir/tests/bench/wrk-lib.sh"
it_skip() {
	echo "engine-bench: $*" >&2
	exit 1
}
command -v wrk >/dev/null || it_skip "wrk is not installed (apt-get install wrk)"
it_init
it_start nginx threads=24 sandbox_workers=4 log_level=warn rate_api_per_user=0 rate_runs_per_user=0 rate_webhook_per_hook=0

it_setup_owner "bench password" || it_skip "setup failed: $(it_answer)"
it_api_token bench || it_skip "no API token: $(it_answer)"
JAR=

# hook NAME TRIGGER-JSON: a json.set -> text.template workflow with a webhook; prints its address.
hook() {
	it_webhook_workflow "$1" "$(jq -n --argjson t "$2" '{format: 1, trigger: $t,
		blocks: [{id: "shape", type: "json.set", config: {set: {greeting: "Hello", name: "{{ trigger.body.name }}"}}},
		         {id: "greet", type: "text.template", config: {template: "{{ shape.out.greeting }} {{ shape.out.name }}"}}],
		edges: [{from: "shape.out", to: "greet.in"}]}')"
}
sync_hook=$(hook "Bench sync" '{"type": "webhook", "reply": "greet.text"}') || it_skip "no workflow: $(head -c 300 "$BODY")"
async_hook=$(hook "Bench async" '{"type": "webhook"}') || it_skip "no workflow: $(head -c 300 "$BODY")"
curl -sS -o "$BODY" -H 'Content-Type: application/json' --data '{"name": "Ada"}' "$BASE_URL$sync_hook"
[ "$(cat "$BODY")" = "Hello Ada" ] || it_skip "the synchronous webhook answered: $(head -c 200 "$BODY")"

cat >"$IT_TMP/post.lua" <<'EOF'
wrk.method = "POST"
wrk.body = '{"name": "Ada"}'
wrk.headers["Content-Type"] = "application/json"
EOF

zygote_pid=$(pgrep -P "$AXOND_PID" | head -n 1)
rss_kb() {
	ps -o rss= -p "$1" | tr -d ' '
}
axond_idle=$(rss_kb "$AXOND_PID")
zygote_idle=$(rss_kb "$zygote_pid")

load=$(cut -d' ' -f1 /proc/loadavg)
echo "engine-bench: /healthz through nginx and axond (the FastCGI floor), ${SYNC_SECONDS}s"
run_wrk health "$BASE_URL/healthz" "$SYNC_SECONDS" "$CONNECTIONS"
echo "engine-bench: synchronous webhook, two sandboxed blocks per request, ${SYNC_SECONDS}s at $CONNECTIONS connections"
runs0=$(sql "SELECT count(*) FROM runs WHERE status = 'succeeded'")
run_wrk sync "$BASE_URL$sync_hook" "$SYNC_SECONDS" "$CONNECTIONS" -s "$IT_TMP/post.lua"
runs1=$(sql "SELECT count(*) FROM runs WHERE status = 'succeeded'")
axond_after=$(rss_kb "$AXOND_PID")

echo "engine-bench: asynchronous webhooks for ${ASYNC_SECONDS}s at 2 connections; queue depth every 10 s"
done0=$(sql "SELECT count(*) FROM runs WHERE status <> 'queued' AND status <> 'running'")
wrk -t2 -c2 -d"${ASYNC_SECONDS}s" --latency -s "$IT_TMP/post.lua" "$BASE_URL$async_hook" >"$IT_TMP/async.wrk" &
wrk_pid=$!
depths=()
for ((t = 10; t <= ASYNC_SECONDS; t += 10)); do
	sleep 10
	depths+=("$t s: $(sql "SELECT count(*) FROM runs WHERE status IN ('queued', 'running')")")
done
wait "$wrk_pid" || it_skip "wrk failed on the asynchronous webhook"
parse_wrk async "$(cat "$IT_TMP/async.wrk")"
done1=$(sql "SELECT count(*) FROM runs WHERE status <> 'queued' AND status <> 'running'")
accepted=$(sql "SELECT count(*) FROM deliveries d JOIN runs r ON r.id = d.run_id WHERE r.trigger = 'webhook' AND d.status = 202")
# Let the queue drain (bounded), so that axond stops with nothing pending.
for ((i = 0; i < 120; i++)); do
	[ "$(sql "SELECT count(*) FROM runs WHERE status IN ('queued', 'running')")" = 0 ] && break
	sleep 1
done
left=$(sql "SELECT count(*) FROM runs WHERE status IN ('queued', 'running')")
echo "engine-bench: runs by status, and why the unsuccessful ones failed:"
sql "SELECT status, count(*), coalesce(error, '') FROM runs GROUP BY status, error ORDER BY 2 DESC LIMIT 10"
grep -E ' (error|warn) ' "$IT_TMP/axond.log" | sed 's/req=[0-9]*//' | sort | uniq -c | sort -rn | head -n 10
failed=$(sql "SELECT count(*) FROM runs WHERE status <> 'succeeded' AND status <> 'queued' AND status <> 'running'")

depth_text=$(printf '%s, ' "${depths[@]}")
depth_text=${depth_text%, }
# shellcheck disable=SC2154 # set by run_wrk
ratio=$(awk -v a="$sync_rps" -v s="$health_rps" 'BEGIN { if (s > 0) printf "%.1f", 100 * a / s; else print "?" }')
runs_per_s=$(awk -v d=$((done1 - done0)) -v s="$ASYNC_SECONDS" 'BEGIN { printf "%.0f", d / s }')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
# shellcheck disable=SC2154 # set by run_wrk
section=$(cat <<EOF
## Engine

\`tests/bench/engine-bench.sh\` ($(date -u +%Y-%m-%d), $(nproc) × ${cpu:-unknown CPU}, nginx and wrk on the same
machine, axond with 24 request threads and 4 engine workers, load average $load at the start). A synchronous
webhook runs \`json.set\` → \`text.template\` (each block confined, in a warm worker of the workflow, the run
and both steps written to SQLite) and answers with the template's text; \`/healthz\` through the same
nginx and axond is the baseline: the FastCGI round trip with no engine.

| | requests/s | p50 | p99 | errors |
|---|---:|---:|---:|---:|
| synchronous webhook, ${SYNC_SECONDS} s at $CONNECTIONS connections | $sync_rps | $sync_p50 | $sync_p99 | $sync_errors |
| \`/healthz\` (baseline) | $health_rps | $health_p50 | $health_p99 | $health_errors |

The webhook serves **$ratio %** of the baseline's requests per second; $((runs1 - runs0)) runs succeeded
during the synchronous run.

Asynchronous webhooks (202 and the run's address) at 2 connections for ${ASYNC_SECONDS} s: $accepted deliveries
accepted (${async_rps:-?} requests/s), **$runs_per_s runs/s** completed on average over the window, queue depth
(queued + running) at $depth_text; $left still queued after draining, $failed runs
did not succeed.

RSS when idle: axond $((axond_idle / 1024)) MiB, zygote $((zygote_idle / 1024)) MiB; axond after the synchronous run
$((axond_after / 1024)) MiB.
EOF
)
echo
echo "$section"

write_performance_section Engine "$section"
[ "$sync_errors" = 0 ] || { echo "engine-bench: the synchronous webhook answered $sync_errors errors"; exit 1; }
exit 0
