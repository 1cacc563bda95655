#!/bin/bash
# /metrics through real nginx: the Prometheus text format that Debian's
# promtool finds nothing to lint in, served to an address of metrics_allow,
# refused to others unless they send the token of metrics_token_file; and a
# real Prometheus server, started here on loopback, that scrapes axond with
# that token and answers a query about a run just made.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
for tool in promtool prometheus; do
	command -v "$tool" >/dev/null || it_skip "$tool is not installed (./quickstart check installs the prometheus package)"
done
it_start nginx
it_setup_owner "metrics pw"
it_api_token metrics
it_create_workflow "Measured" '{"format": 1, "trigger": {"type": "manual"},
  "blocks": [{"id": "set", "type": "json.set", "config": {"set": {"done": true}}}]}'
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={}'
check_json .run.status succeeded "a run to count"

echo "# an allowed address (loopback, the default)"
req GET /metrics
check_status 200 "loopback reads /metrics"
check_header Content-Type '^text/plain; version=0\.0\.4' "... in the text format 0.0.4"
LINT=$(promtool check metrics <"$BODY" 2>&1)
check_eq "$?:$LINT" "0:" "promtool check metrics finds nothing to say"
check_body_contains "axon_runs_finished_total{workflow_id=\"$WF\",status=\"succeeded\"} 1" "the run counted by workflow and status"
check_body_contains 'axon_sandbox_executions_total{block_type="json.set",outcome="ok"} 1' "the block's outcome counted by type"
check_body_contains 'axon_step_duration_seconds_count{block_type="json.set"} 1' "its duration in a histogram"
check_body_contains 'axon_http_requests_total{method="POST",route="/workflows/:id/run",code="201"} 1' \
	"requests counted by route pattern and status"
check_body_contains 'axon_http_request_duration_seconds_bucket{method="GET",route="/setup",le="+Inf"} 1' \
	"... with a latency histogram"
check_body_lacks "/workflows/$WF/run\"" "no path with an id is a label"
check_body_contains 'axon_runs_waiting 0' "runs waiting"
check_body_contains 'axon_runs_running 0' "runs running"
check_body_contains 'axon_engine_workers_busy 0' "workers busy"
check_body_contains 'axon_zygote_restarts_total 0' "zygote restarts"
for m in axon_engine_queue_depth axon_database_size_bytes axon_database_wal_size_bytes axon_database_free_pages \
	process_resident_memory_bytes process_cpu_seconds_total; do
	check_eq "$(grep -c "^$m [0-9]" "$BODY")" 1 "$m is there"
done
check_eq "$(awk '$1 == "axon_database_size_bytes" { print ($2 > 0) }' "$BODY")" 1 "the database has a size"
req GET /metrics -H "Accept: application/json"
check_status 200 "an Accept header changes nothing: the format is Prometheus's"

echo "# a refused address"
TOKEN_FILE=$IT_TMP/metrics.token
printf '%s\n' "metrics-$RANDOM$RANDOM$RANDOM" >"$TOKEN_FILE"
METRICS_TOKEN=$(head -n 1 "$TOKEN_FILE")
it_stop_axond
echo "metrics_allow = 192.0.2.0/24, 2001:db8::/32" >>"$IT_TMP/axon.conf"
echo "metrics_token_file = $TOKEN_FILE" >>"$IT_TMP/axon.conf"
it_start_axond || exit 1
it_wait_healthz || exit 1
req GET /metrics
check_status 403 "an address outside metrics_allow is refused"
check_body_contains "metrics_allow" "... and told what to change"
check_body_lacks "axon_" "... with no figure"
req GET /metrics -H "Authorization: Bearer wrong-$METRICS_TOKEN"
check_status 401 "a wrong token is refused"
check_header WWW-Authenticate '^Bearer' "... asking for a bearer token"
req GET /metrics -H "Authorization: Bearer $TOKEN"
check_status 401 "an API token does not open /metrics"
req GET /metrics -H "Authorization: Bearer $METRICS_TOKEN"
check_status 200 "the metrics token opens /metrics from anywhere"
check_body_contains "# TYPE axon_runs_finished_total counter" "... with the figures"
req GET /workflows -H "Authorization: Bearer $METRICS_TOKEN" -H 'Accept: application/json'
check_status 401 "the metrics token opens nothing else"

echo "# a Prometheus server scrapes axond through nginx"
PROM_PORT=$(free_port)
mkdir -p "$IT_TMP/prometheus"
cat >"$IT_TMP/prometheus/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: axon
    authorization:
      credentials_file: $TOKEN_FILE
    static_configs:
      - targets: ["${BASE_URL#http://}"]
YML
promtool check config "$IT_TMP/prometheus/prometheus.yml" >/dev/null
check_eq "$?" 0 "promtool accepts the test's Prometheus configuration"
prometheus --config.file="$IT_TMP/prometheus/prometheus.yml" --storage.tsdb.path="$IT_TMP/prometheus/data" \
	--web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn 2>"$IT_TMP/prometheus/log" &
IT_PIDS+=($!)
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={}'
check_json .run.status succeeded "a run after the restart"
QUERY="axon_runs_finished_total{job=\"axon\",workflow_id=\"$WF\",status=\"succeeded\"}"
VALUE=
for ((i = 0; i < 600; i++)); do
	VALUE=$(curl -sS -G "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$QUERY" 2>/dev/null |
		jq -r '.data.result[0].value[1] // empty' 2>/dev/null)
	[ -n "$VALUE" ] && break
	sleep 0.1
done
check_eq "$VALUE" 1 "Prometheus answers how many runs of the workflow succeeded since axond started"
UP=$(curl -sS -G "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode 'query=up{job="axon"}' |
	jq -r '.data.result[0].value[1]')
check_eq "$UP" 1 "... and sees its target up"
it_done
