#!/bin/bash
# Code blocks' figures (make bench): the side-by-side workload of issue 12
# expressed in Axon itself, webhook -> json.set (add a tag) -> a code step
# summing the array -> the reply {"sum":15,"count":5,"tag":"bench"}, once per
# language, against the same workflow with a no-op block (json.set) as the
# step, measured in the same run: one request at a time (what a code step
# adds to a request) and 16 connections. Writes "## Code blocks" in
# docs/performance.md. CODE_BENCH_SECONDS shortens the runs.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
export top_srcdir top_builddir
SECONDS_EACH=${CODE_BENCH_SECONDS:-8}

# shellcheck source=SCRIPTDIR/../integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=SCRIPTDIR/wrk-lib.sh
. "$top_srcdir/tests/bench/wrk-lib.sh"
it_skip() {
	echo "code-bench: $*" >&2
	exit 1
}
command -v wrk >/dev/null || it_skip "wrk is not installed (apt-get install wrk)"
it_init
it_start nginx threads=24 sandbox_workers=4 log_level=warn "plugin_dirs = $(it_plugin_dir)" rate_api_per_user=0 rate_runs_per_user=0 rate_webhook_per_hook=0
it_setup_owner "bench password" || it_skip "setup failed: $(it_answer)"
it_api_token bench || it_skip "no API token: $(it_answer)"
JAR=

cat >"$IT_TMP/post.lua" <<'EOF'
wrk.method = "POST"
wrk.body = '{"values": [1, 2, 3, 4, 5]}'
wrk.headers["Content-Type"] = "application/json"
EOF

# The step of each variant: MODE|TITLE|TYPE|CONFIG-JSON, MODE warm or strict
# (a fresh process per step, as a cold worker; compared with the no-op in
# the same mode).
VARIANTS=(
	'warm|no-op (json.set)|json.set|{"set": {"body": {"sum": 15, "count": 5, "tag": "bench"}}}'
	'warm|code.lua|code.lua|{"code": "local s = 0\nfor _, v in ipairs(input.body.values) do s = s + v end\nreturn {sum = s, count = #input.body.values, tag = input.tag}"}'
	'warm|data.jq|data.jq|{"code": "{sum: (.body.values | add), count: (.body.values | length), tag}"}'
	'warm|code.js, ES5|code.js|{"code": "var v = input.body.values, s = 0;\nfor (var i = 0; i < v.length; i++) s += v[i];\nreturn {sum: s, count: v.length, tag: input.tag};"}'
	'warm|code.js, ES2015 (compiled at save)|code.js|{"code": "const {values} = input.body;\nreturn {sum: values.reduce((a, b) => a + b, 0), count: values.length, tag: input.tag};"}'
	'strict|no-op (json.set), a fresh process per step|json.set|{"set": {"body": {"sum": 15, "count": 5, "tag": "bench"}}}'
	'strict|code.js, ES5, a fresh process per step|code.js|{"code": "var v = input.body.values, s = 0;\nfor (var i = 0; i < v.length; i++) s += v[i];\nreturn {sum: s, count: v.length, tag: input.tag};"}'
	'strict|code.js, ES2015, a fresh process per step|code.js|{"code": "const {values} = input.body;\nreturn {sum: values.reduce((a, b) => a + b, 0), count: values.length, tag: input.tag};"}'
)

rows=
base_p50=
n=0
for v in "${VARIANTS[@]}"; do
	IFS='|' read -r mode title type config <<<"$v"
	n=$((n + 1))
	if [ "$mode" = strict ] && [ "$type" = json.set ]; then
		base_p50= # the strict lines compare with the strict no-op
	fi
	def=$(jq -n --arg type "$type" --argjson config "$config" --arg mode "$mode" '{format: 1,
		settings: {sandbox: $mode}, trigger: {type: "webhook", reply: "step.out"},
		blocks: [{id: "tag", type: "json.set", config: {set: {tag: "bench"}}}, {id: "step", type: $type, config: $config}],
		edges: [{from: "tag.out", to: "step.in"}]}')
	hook=$(it_webhook_workflow "Code bench $n" "$def") || it_skip "the $title workflow was refused: $(head -c 300 "$BODY")"
	curl -sS -o "$BODY" -H 'Content-Type: application/json' --data '{"values": [1, 2, 3, 4, 5]}' "$BASE_URL$hook"
	[ "$(jq -c '{sum, count}' "$BODY")" = '{"sum":15,"count":5}' ] || it_skip "$title answered: $(head -c 300 "$BODY")"
	echo "code-bench: $title, ${SECONDS_EACH}s alone, then ${SECONDS_EACH}s at 16 connections"
	run_wrk alone "$BASE_URL$hook" "$SECONDS_EACH" 1 -s "$IT_TMP/post.lua"
	run_wrk load "$BASE_URL$hook" "$SECONDS_EACH" 16 -s "$IT_TMP/post.lua"
	# shellcheck disable=SC2154 # set by run_wrk
	p50_us=$(awk -v t="$alone_p50" 'BEGIN { v = t + 0; if (t ~ /us$/) v /= 1000; else if (t ~ /s$/ && t !~ /ms$/) v *= 1000; printf "%.0f", v * 1000 }')
	[ -n "$base_p50" ] || base_p50=$p50_us
	ratio=$(awk -v a="$p50_us" -v b="$base_p50" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	# shellcheck disable=SC2154 # set by run_wrk
	rows+="| $title | $alone_p50 | $((p50_us - base_p50)) µs | $ratio × | $load_rps | $load_p99 | $((alone_errors + load_errors)) |"$'\n'
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
section=$(cat <<EOF
## Code blocks

\`tests/bench/code-bench.sh\` ($(date -u +%Y-%m-%d), $(nproc) × ${cpu:-unknown CPU}, load average $(cut -d' ' -f1 /proc/loadavg) at the end):
a synchronous webhook → \`json.set\` (adds \`tag\`) → a step summing \`{"values":[1,2,3,4,5]}\` → the reply, each step
confined in a warm worker of its workflow and every run recorded; the step is a no-op block
(\`json.set\`, the baseline) or the same sum in each language. ${SECONDS_EACH} s one request at a time
("alone"), then ${SECONDS_EACH} s at 16 connections, one variant after the other in the same run.

| step | alone p50 | a code step's cost (p50 over the no-op) | p50 / the no-op's | requests/s at 16 | p99 at 16 | errors |
|---|---:|---:|---:|---:|---:|---:|
${rows%$'\n'}

The machine is shared: compare each line with the no-op's of the same run (the ratio), not
with another run. Lua and JavaScript start a fresh interpreter state at each run, so their cost
is mostly that start. jq 1.6 compiles its built-in definitions in every new state (17–22 ms): a
worker keeps the compiled states of the last 4 filters it ran and starts each run on one of them
(jq_start resets it; the input and \`\$vars\` come with the run), so only a worker's first run of
a filter pays it (before, every run paid it: a data.jq step was about 20 × the no-op).
JavaScript written in later syntax is compiled to ES5 by buble, on Duktape, and any code with a
loop or a function is instrumented for its time limit (a call at each loop and function body)
with buble's parser (loaded from bytecode made at build time), when the workflow is saved, in
the block's check: the ES5 is kept with the workflow's version and handed to each run, so no run
compiles, not even a fresh process's (the "fresh process per step" lines: \`settings.sandbox\` =
\`"strict"\`, every step a new worker, as a cold worker's first run; compared with the no-op in
that mode). Both code.js lines run a loop of 5 budget calls.
EOF
)
echo
echo "$section"
write_performance_section "Code blocks" "$section"
exit 0
