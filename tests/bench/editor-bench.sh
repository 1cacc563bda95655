#!/bin/bash
# Editor figures (make bench): the server's time to render the visual editor
# (GET /workflows/ID/edit: validation, layout, the SVG and the outline) of a
# workflow of 200 blocks and 300 edges, through nginx, one request at a time:
# once without positions (the layered layout computed at every request) and
# once after Tidy up (positions read from the workflow). axond's own time per
# request is from its log; curl's total adds nginx and the transfer. Writes
# them under "## Editor" in docs/performance.md. EDITOR_BENCH_REQUESTS
# changes the number of requests (default 40).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
export top_srcdir top_builddir
REQUESTS=${EDITOR_BENCH_REQUESTS:-40}
BLOCKS=200
EDGES=300

# shellcheck source=SCRIPTDIR/../integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=SCRIPTDIR/wrk-lib.sh
. "$top_srcdir/tests/bench/wrk-lib.sh"
# A benchmark that cannot run is an error here, not a skip.
it_skip() {
	echo "editor-bench: $*" >&2
	exit 1
}
it_init
it_start nginx threads=4 log_level=info rate_api_per_user=0 rate_runs_per_user=0 rate_webhook_per_hook=0
it_setup_owner "bench password" || it_skip "setup failed: $(it_answer)"

# A chain b1 -> b2 -> ... -> b200 and 101 edges jumping 2 to 5 blocks ahead.
definition=$(jq -cn --argjson n "$BLOCKS" --argjson e "$EDGES" '
	{format: 1, trigger: {type: "manual"},
	 blocks: [range(1; $n + 1) | {id: "b\(.)", type: "json.set", config: {set: {step: .}}}],
	 edges: ([range(1; $n) | {from: "b\(.).out", to: "b\(. + 1).in"}] +
		 [range(0; $e - $n + 1) | (. * 7 % ($n - 6) + 1) as $f | {from: "b\($f).out", to: "b\($f + 2 + . % 4).in"}])}')
[ "$(jq '.edges | length' <<<"$definition")" = "$EDGES" ] || it_skip "the generated workflow does not have $EDGES edges"
req POST /workflows -H "X-CSRF-Token: $CSRF" -H 'Accept: application/json' --data-urlencode "name=Big" \
	--data-urlencode "definition=$definition"
[ "$STATUS" = 201 ] || it_skip "create answered $STATUS: $(it_answer)"
wf=$(jqb .workflow.id)

# measure NAME: REQUESTS GETs of the editor; sets NAME_axond and NAME_curl
# (median ms), NAME_axond_p90 and NAME_bytes.
measure() {
	local name=$1 i times=() logged
	req GET "/workflows/$wf/edit"
	[ "$STATUS" = 200 ] || it_skip "GET /workflows/$wf/edit answered $STATUS"
	grep -q 'class="node invalid"' "$BODY" && it_skip "the big workflow has problems"
	printf -v "${name}_bytes" '%s' "$(wc -c <"$BODY")"
	local before
	before=$(wc -l <"$IT_TMP/axond.log")
	for ((i = 0; i < REQUESTS; i++)); do
		times+=("$(curl -sS -o /dev/null -b "$JAR" -w '%{time_total}' "$BASE_URL/workflows/$wf/edit")")
	done
	logged=$(tail -n +"$((before + 1))" "$IT_TMP/axond.log" | grep "GET /workflows/$wf/edit 200" |
		sed 's/.* \([0-9.]*\)ms$/\1/' | sort -n)
	[ "$(wc -l <<<"$logged")" = "$REQUESTS" ] || it_skip "axond logged $(wc -l <<<"$logged") of $REQUESTS requests"
	printf -v "${name}_axond" '%s' "$(awk -v n="$REQUESTS" 'NR == int((n + 1) / 2)' <<<"$logged")"
	printf -v "${name}_axond_p90" '%s' "$(awk -v n="$REQUESTS" 'NR == int(n * 0.9)' <<<"$logged")"
	printf -v "${name}_curl" '%s' "$(printf '%s\n' "${times[@]}" | sort -n |
		awk -v n="$REQUESTS" 'NR == int((n + 1) / 2) { printf "%.2f", $1 * 1000 }')"
}

echo "editor-bench: $REQUESTS renders of the editor of $BLOCKS blocks and $EDGES edges, laid out by axond"
measure layout
version=$(sql "SELECT current_version FROM workflows WHERE id = $wf")
req POST "/workflows/$wf/edit/tidy" --data-urlencode "csrf=$CSRF" --data-urlencode "version=$version"
[ "$STATUS" = 303 ] || it_skip "tidy up answered $STATUS"
echo "editor-bench: the same with positions stored (after Tidy up)"
measure placed

load=$(cut -d' ' -f1 /proc/loadavg)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
# shellcheck disable=SC2154 # set by measure
section=$(cat <<EOF
## Editor

\`tests/bench/editor-bench.sh\` ($(date -u +%Y-%m-%d), $(nproc) × ${cpu:-unknown CPU}, load average $load):
\`GET /workflows/ID/edit\` of a workflow of $BLOCKS blocks and $EDGES edges (validation, layout, the SVG
canvas and the outline, $layout_bytes bytes of HTML), $REQUESTS requests one after the other through nginx.
axond's time is the request's time in its log (parse to last byte written); curl's adds nginx
and the transfer over loopback.

| | axond p50 | axond p90 | curl p50 |
|---|---:|---:|---:|
| without positions (layered layout at each request) | $layout_axond ms | $layout_axond_p90 ms | $layout_curl ms |
| with positions (after Tidy up) | $placed_axond ms | $placed_axond_p90 ms | $placed_curl ms |
EOF
)
echo
echo "$section"
write_performance_section Editor "$section"
exit 0
