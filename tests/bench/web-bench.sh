#!/bin/bash
# Web figures (make bench): a signed-in GET /workflows through nginx with
# 1,000 workflows in the database, under wrk at 64 connections, against the
# same nginx serving a static file of the same size: the baseline, measured in
# the same run. Prints the figures and writes them under "## Web" in
# docs/performance.md. WEB_BENCH_SECONDS shortens the runs for a try.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
export top_srcdir top_builddir
SECONDS_EACH=${WEB_BENCH_SECONDS:-20}
CONNECTIONS=64
WORKFLOWS=1000

# shellcheck source=SCRIPTDIR/../integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=SCRIPTDIR/wrk-lib.sh
. "$top_srcdir/tests/bench/wrk-lib.sh"
# A benchmark that cannot run is an error here, not a skip.
it_skip() {
	echo "web-bench: $*" >&2
	exit 1
}
command -v wrk >/dev/null || it_skip "wrk is not installed (apt-get install wrk)"
it_init

static_port=$(free_port)
IT_NGINX_HTTP_EXTRA="server { listen 127.0.0.1:$static_port; root $IT_TMP/static; }"
mkdir -p "$IT_TMP/static"
it_start nginx threads=4 log_level=warn rate_api_per_user=0 rate_runs_per_user=0 rate_webhook_per_hook=0

echo "web-bench: setting up $WORKFLOWS workflows"
it_setup_owner "bench password" || it_skip "setup failed: $(it_answer)"
it_api_token bench || it_skip "no API token: $(it_answer)"
token=$TOKEN

# One curl for all the workflows (a config file of requests), over keep-alive.
for ((i = 1; i <= WORKFLOWS; i++)); do
	printf 'url = "%s/workflows"\nheader = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\n' \
		"$BASE_URL" "$token"
	printf 'data = "{\\"name\\":\\"Workflow %04d\\",\\"description\\":\\"Benchmark workflow number %d\\",\\"tags\\":\\"bench,t%d\\",\\"definition\\":{}}"\n' \
		"$i" "$i" $((i % 10))
	printf 'output = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n'
	[ "$i" -lt "$WORKFLOWS" ] && echo next
done >"$IT_TMP/create.curl"
created=$(curl -sS -K "$IT_TMP/create.curl" | grep -c '^201$')
[ "$created" = "$WORKFLOWS" ] || it_skip "only $created of $WORKFLOWS workflows were created"

cookie=$(awk '$6 == "axon_session" { print $7 }' "$JAR")
[ -n "$cookie" ] || it_skip "no axon_session cookie in the jar"
req GET /workflows
[ "$STATUS" = 200 ] || it_skip "GET /workflows answered $STATUS"
cp "$BODY" "$IT_TMP/static/workflows.html"
page_bytes=$(wc -c <"$BODY")

rss_kb() {
	ps -o rss= -p "$AXOND_PID" | tr -d ' '
}


rss_idle=$(rss_kb)
load=$(cut -d' ' -f1 /proc/loadavg)
echo "web-bench: GET /workflows through nginx and axond, ${SECONDS_EACH}s at $CONNECTIONS connections"
run_wrk axond "$BASE_URL/workflows" "$SECONDS_EACH" "$CONNECTIONS" -H "Cookie: axon_session=$cookie"
rss_after=$(rss_kb)
echo "web-bench: GET /healthz through nginx and axond (FastCGI, no database, no template)"
run_wrk health "$BASE_URL/healthz" "$SECONDS_EACH" "$CONNECTIONS"
echo "web-bench: the same page as a static file from the same nginx"
run_wrk static "http://127.0.0.1:$static_port/workflows.html" "$SECONDS_EACH" "$CONNECTIONS"

# shellcheck disable=SC2154 # set by run_wrk
ratio=$(awk -v a="$axond_rps" -v s="$static_rps" 'BEGIN { if (s > 0) printf "%.1f", 100 * a / s; else print "?" }')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
# shellcheck disable=SC2154 # set by run_wrk
section=$(cat <<EOF
## Web

\`tests/bench/web-bench.sh\` ($(date -u +%Y-%m-%d), $(nproc) × ${cpu:-unknown CPU}, nginx $(nginx -v 2>&1 | sed 's|.*/||') with
$(grep -m1 -o 'worker_processes [0-9]*' "$IT_TMP/nginx/nginx.conf" | sed 's/worker_processes //') workers, axond with 4 threads, wrk on the same machine, load average $load at the start): a signed-in
\`GET /workflows\` (page 1 of $WORKFLOWS workflows, $page_bytes bytes of HTML) for ${SECONDS_EACH} s at
$CONNECTIONS connections, against the same bytes served as a static file by the same nginx.

| | requests/s | p50 | p99 | errors |
|---|---:|---:|---:|---:|
| axond via nginx, \`/workflows\` | $axond_rps | $axond_p50 | $axond_p99 | $axond_errors |
| axond via nginx, \`/healthz\` | $health_rps | $health_p50 | $health_p99 | $health_errors |
| nginx static file (baseline) | $static_rps | $static_p50 | $static_p99 | $static_errors |

axond serves **$ratio %** of the static baseline's requests per second on \`/workflows\`
(\`/healthz\` shows what the FastCGI round trip alone costs).
axond's RSS: $((rss_idle / 1024)) MiB idle (after creating the workflows), $((rss_after / 1024)) MiB after the run.
Errors are non-2xx answers plus socket errors as wrk counts them.
EOF
)
echo
echo "$section"

write_performance_section Web "$section"
[ "$axond_errors" = 0 ] || { echo "web-bench: axond answered $axond_errors errors"; exit 1; }
exit 0
