#!/bin/bash
# Axon against its peer, measured in the same run (make bench): Node-RED 4 and
# Axon serve one workload, POST {"values":[1,2,3,4,5]} -> add a tag -> sum in
# user code -> reply {"sum":15,"count":5,"tag":"bench"}, under the same wrk
# load in alternation. Node-RED runs it as a flow (http in -> change ->
# function -> http response); Axon through real nginx as a synchronous
# webhook -> json.set -> bench.sum (tests/bench/sum_block.c, a C block built
# with the SDK), every block confined and every run recorded. Prints
# requests/s, p50, p99, CPU per request of each whole server side, idle and
# loaded PSS, the ratios Axon / Node-RED and the aims of issue 12 beside
# them, and writes "## Peer" in docs/performance.md.
#
# Node-RED is installed with npm (node-red@4) into PEER_BENCH_NODE_RED_DIR,
# by default a cache folder outside the source tree, once. PEER_BENCH_SECONDS
# (each run at 16 connections), PEER_BENCH_SOLO_SECONDS (each run at one
# connection), PEER_BENCH_ROUNDS and PEER_BENCH_CONNECTIONS change the load.
# shellcheck disable=SC2317 # usage-lib.sh calls the pids_* functions by name
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
export top_srcdir top_builddir
LOAD_SECONDS=${PEER_BENCH_SECONDS:-10}
SOLO_SECONDS=${PEER_BENCH_SOLO_SECONDS:-5}
WARMUP_SECONDS=${PEER_BENCH_WARMUP_SECONDS:-2}
ROUNDS=${PEER_BENCH_ROUNDS:-3}
CONNECTIONS=${PEER_BENCH_CONNECTIONS:-16}
NODE_RED_DIR=${PEER_BENCH_NODE_RED_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/axon-bench/node-red}
REQUEST='{"values":[1,2,3,4,5]}'
REPLY='{"count":5,"sum":15,"tag":"bench"}' # as jq -cS prints it

# shellcheck source=SCRIPTDIR/../integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=SCRIPTDIR/wrk-lib.sh
. "$top_srcdir/tests/bench/wrk-lib.sh"
# shellcheck source=SCRIPTDIR/usage-lib.sh
. "$top_srcdir/tests/bench/usage-lib.sh"
it_skip() {
	echo "peer-bench: $*" >&2
	exit 1
}
command -v wrk >/dev/null || it_skip "wrk is not installed (apt-get install wrk)"
for tool in node npm; do
	command -v "$tool" >/dev/null || it_skip "$tool is not installed (apt-get install nodejs npm)"
done
it_init

## What is measured: targets (a URL served by a side) and sides (groups of processes).

TARGETS=()
declare -A TITLE URL SIDE
declare -A PARTS=([nodered]="nodered" [axon]="axond sandbox nginx")
pids_nodered() { usage_tree "$NODE_RED_PID"; }
pids_axond() { echo "$AXOND_PID"; }
# The zygote and whatever else axond starts, with their children.
# shellcheck disable=SC2046 # one argument per pid
pids_sandbox() { usage_tree $(pgrep -P "$AXOND_PID"); }
pids_nginx() { usage_tree "$NGINX_PID"; }
# The own CPU time of the processes axond started (the zygote), without their children's.
# shellcheck disable=SC2046 # one argument per pid
zygote_own_us() { usage_stat_us own $(pgrep -P "$AXOND_PID"); }

# add_target ID TITLE URL SIDE
add_target() {
	TARGETS+=("$1")
	TITLE[$1]=$2
	URL[$1]=$3
	SIDE[$1]=$4
}

side_pss_kb() {
	local part sum=0
	for part in ${PARTS[$1]}; do
		sum=$((sum + $(usage_pss_kb "$part")))
	done
	echo "$sum"
}

## The machine's fork cost, from sandbox-bench.sh (a few seconds), before the servers start.

fork_runs=${PEER_BENCH_FORK_RUNS:-500}
echo "peer-bench: the machine's bare fork+exit+wait, $fork_runs times (sandbox-bench.sh)"
fork_cost=$( (cd "$top_builddir" && SANDBOX_BENCH_RUNS=$fork_runs sh "$top_srcdir/tests/bench/sandbox-bench.sh") 2>&1 |
	sed -n 's/^sandbox: \(bare fork.*\|[0-9]* no-op runs.*\)/\1/p' | paste -sd ';' | sed 's/;/; /g')
echo "    ${fork_cost:=not measured (sandbox-bench.sh failed)}"

## Axon: the workload as a workflow, through nginx.

# bench.sum built as sdk/README.md says (the rule of the scaffold's Makefile),
# with the SDK's pkg-config flags read from the build tree.
SUM_DIR=$IT_TMP/bench-plugins
mkdir -p "$SUM_DIR"
sdk_pc() {
	PKG_CONFIG_PATH=$top_builddir/sdk${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH} \
		pkg-config --define-variable=includedir="$top_srcdir/sdk/include" "$@" axon-block
}
if ! sdk_cflags=$(sdk_pc --cflags) || ! sdk_libs=$(sdk_pc --libs); then
	it_skip "pkg-config cannot read sdk/axon-block.pc of the build tree"
fi
# shellcheck disable=SC2086 # pkg-config's flags are words
${CC:-cc} -O2 -g -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden $sdk_cflags \
	-o "$SUM_DIR/bench.so" "$top_srcdir/tests/bench/sum_block.c" $sdk_libs || it_skip "the bench.sum block did not build"

# As engine-bench.sh: a synchronous webhook holds a request thread for its run.
AXON_CONF=("threads = 24" "sandbox_workers = 4" "log_level = warn" "rate_api_per_user = 0" "rate_runs_per_user = 0"
	"rate_webhook_per_hook = 0")
it_start nginx "${AXON_CONF[@]}" "plugin_dirs = $(it_plugin_dir):$SUM_DIR"
NGINX_PID=${IT_PIDS[-1]} # it_start started axond, then nginx
it_setup_owner "bench password" || it_skip "setup failed: $(it_answer)"
it_api_token bench || it_skip "no API token: $(it_answer)"
JAR=

# add_axon_variant ID TITLE SETTINGS-JSON: the workload as an Axon workflow
# (a synchronous webhook -> json.set adding the tag -> bench.sum -> the reply)
# with these workflow settings, measured as one more target. A per-workflow
# sandbox mode (strict: a fresh process per execution) is one more call.
add_axon_variant() {
	local path
	path=$(it_webhook_workflow "$2" "$(jq -n --argjson s "$3" '{format: 1,
		trigger: {type: "webhook", reply: "sum.out"},
		blocks: [{id: "tag", type: "json.set", config: {set: {"body.tag": "bench"}}},
		         {id: "sum", type: "bench.sum"}],
		edges: [{from: "tag.out", to: "sum.in"}]} + if $s == {} then {} else {settings: $s} end')") ||
		it_skip "Axon refused the workflow '$2': $(head -c 300 "$BODY")"
	add_target "$1" "$2" "$BASE_URL$path" axon
}

## Node-RED: installed once into the cache, started on loopback with the workload as a flow.

install_node_red() {
	[ -f "$NODE_RED_DIR/node_modules/node-red/red.js" ] && return
	echo "peer-bench: installing node-red@4 with npm into $NODE_RED_DIR (once; later runs reuse it)"
	if ! mkdir -p "$NODE_RED_DIR" ||
		! npm install --prefix "$NODE_RED_DIR" --no-save --no-audit --no-fund --loglevel=error node-red@4; then
		it_skip "npm could not install node-red@4 into $NODE_RED_DIR"
	fi
}

start_node_red() {
	local dir=$IT_TMP/node-red port version
	version=$(jq -r .version "$NODE_RED_DIR/node_modules/node-red/package.json")
	case $version in 4.*) ;; *) it_skip "$NODE_RED_DIR holds Node-RED $version, not 4: empty it or set PEER_BENCH_NODE_RED_DIR" ;; esac
	port=$(free_port)
	mkdir -p "$dir"
	cat >"$dir/settings.js" <<-EOF
	// Node-RED for peer-bench.sh: loopback only, quiet, nothing sent anywhere.
	module.exports = {
	    uiHost: "127.0.0.1",
	    uiPort: $port,
	    flowFile: "flows.json",
	    telemetry: { enabled: false },
	    logging: { console: { level: "warn", metrics: false, audit: false } }
	};
	EOF
	jq -n --arg func 'const values = msg.payload.values;
let sum = 0;
for (const v of values) sum += v;
msg.payload = { sum: sum, count: values.length, tag: msg.payload.tag };
return msg;' '[
		{id: "bench", type: "tab", label: "bench"},
		{id: "in", z: "bench", type: "http in", url: "/sum", method: "post", upload: false, wires: [["tag"]]},
		{id: "tag", z: "bench", type: "change", wires: [["sum"]],
		 rules: [{t: "set", p: "payload.tag", pt: "msg", to: "bench", tot: "str"}]},
		{id: "sum", z: "bench", type: "function", func: $func, outputs: 1, wires: [["out"]]},
		{id: "out", z: "bench", type: "http response", statusCode: "", headers: {}, wires: []}]' >"$dir/flows.json"
	node "$NODE_RED_DIR/node_modules/node-red/red.js" --userDir "$dir" --settings "$dir/settings.js" >"$dir/node-red.log" 2>&1 &
	NODE_RED_PID=$!
	IT_PIDS+=("$NODE_RED_PID")
	add_target nodered "Node-RED $version" "http://127.0.0.1:$port/sum" nodered
}

install_node_red
start_node_red
# One call per Axon variant measured: warm workers (the default) and strict
# mode (a fresh process for every block execution).
add_axon_variant axon "Axon" '{}'
add_axon_variant axon_strict "Axon, strict" '{"sandbox": "strict"}'

# Both replies are checked before any load; Node-RED may take a few seconds
# to start its flows.
for t in "${TARGETS[@]}"; do
	for ((i = 0; i < 300; i++)); do
		STATUS=$(curl -s -o "$BODY" -w '%{http_code}' -H 'Content-Type: application/json' --data "$REQUEST" "${URL[$t]}")
		[ "$STATUS" = 200 ] && break
		sleep 0.2
	done
	[ "$(jq -cS . "$BODY" 2>/dev/null)" = "$REPLY" ] ||
		it_skip "${TITLE[$t]} answered $(it_answer) (want $REPLY)$([ "$t" = nodered ] && tail -n 20 "$IT_TMP/node-red/node-red.log")"
	echo "peer-bench: ${TITLE[$t]} answers $(cat "$BODY")"
done

## The load, in alternation.

usage_start nodered axond sandbox nginx || it_skip "cannot move the servers into cgroups"
echo "peer-bench: CPU counted with $USAGE_METHOD"
sleep 1
declare -A R # R[TARGET,KIND,ROUND,FIELD]; KIND is load or solo
declare -A PSS_IDLE PSS_LOADED CPU_PART
for side in "${!PARTS[@]}"; do
	PSS_IDLE[$side]=$(side_pss_kb "$side")
	PSS_LOADED[$side]=0
done
cat >"$IT_TMP/post.lua" <<EOF
wrk.method = "POST"
wrk.body = '$REQUEST'
wrk.headers["Content-Type"] = "application/json"
EOF

# to_ms WRK-TIME: wrk's "548.00us", "5.30ms", "1.02s" in milliseconds.
to_ms() {
	awk -v t="$1" 'BEGIN { n = t + 0; u = t; sub(/^[0-9.]+/, "", u)
		f = u == "us" ? 0.001 : u == "ms" ? 1 : u == "s" ? 1000 : u == "m" ? 60000 : -1
		if (f < 0) print "?"; else printf "%.3f\n", n * f }'
}

# measure TARGET KIND ROUND CONNECTIONS SECONDS: one wrk run, its figures in R;
# at full load, the side's PSS is sampled half way through.
measure() {
	local t=$1 key="$1,$2,$3" side=${SIDE[$1]} part before=() i=0 d used=0 sampler='' pss zygote=0
	for part in ${PARTS[$side]}; do before+=("$(usage_cpu_us "$part")"); done
	[ "$side" = axon ] && zygote=$(zygote_own_us)
	if [ "$2" = load ]; then
		(sleep "$(awk -v s="$5" 'BEGIN { print s / 2 }')" && side_pss_kb "$side" >"$IT_TMP/pss") &
		sampler=$!
	fi
	echo "peer-bench: round $3, ${TITLE[$t]}, $5 s at $4 connections"
	run_wrk w "${URL[$t]}" "$5" "$4" -s "$IT_TMP/post.lua"
	for part in ${PARTS[$side]}; do
		d=$(($(usage_cpu_us "$part") - before[i++]))
		used=$((used + d))
		[ "$2" = load ] && CPU_PART[$t,$part]=$((${CPU_PART[$t,$part]:-0} + d))
	done
	[ "$side" = axon ] && [ "$2" = load ] && CPU_PART[$t,zygote]=$((${CPU_PART[$t,zygote]:-0} + $(zygote_own_us) - zygote))
	# shellcheck disable=SC2154 # set by run_wrk
	R[$key,rps]=$w_rps R[$key,p50]=$(to_ms "$w_p50") R[$key,p99]=$(to_ms "$w_p99") R[$key,errors]=$w_errors
	R[$key,requests]=${w_requests:-0}
	R[$key,cpu]=$(awk -v u="$used" -v n="${w_requests:-0}" 'BEGIN { if (n > 0) printf "%.3f\n", u / n / 1000; else print "?" }')
	if [ -n "$sampler" ]; then
		wait "$sampler"
		pss=$(cat "$IT_TMP/pss")
		[ "$pss" -gt "${PSS_LOADED[$side]}" ] && PSS_LOADED[$side]=$pss
	fi
}

for t in "${TARGETS[@]}"; do
	echo "peer-bench: warming ${TITLE[$t]} up for $WARMUP_SECONDS s"
	wrk -t2 -c"$CONNECTIONS" -d"${WARMUP_SECONDS}s" -s "$IT_TMP/post.lua" "${URL[$t]}" >/dev/null
done
load0=$(cut -d' ' -f1 /proc/loadavg)
runs0=$(sql "SELECT count(*) FROM runs WHERE status = 'succeeded'")
for ((r = 1; r <= ROUNDS; r++)); do
	# Who goes first alternates from round to round.
	order=("${TARGETS[@]}")
	((r % 2)) || mapfile -t order < <(printf '%s\n' "${TARGETS[@]}" | tac)
	for t in "${order[@]}"; do measure "$t" load "$r" "$CONNECTIONS" "$LOAD_SECONDS"; done
	for t in "${order[@]}"; do measure "$t" solo "$r" 1 "$SOLO_SECONDS"; done
done
runs1=$(sql "SELECT count(*) FROM runs WHERE status = 'succeeded'")

## Figures: the median of the rounds, and the ratios.

# median TARGET KIND FIELD: over the rounds.
median() {
	local r
	for ((r = 1; r <= ROUNDS; r++)); do echo "${R[$1,$2,$r,$3]}"; done | sort -g |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# total TARGET FIELD: summed over the rounds at full load.
total() {
	local r sum=0
	for ((r = 1; r <= ROUNDS; r++)); do sum=$((sum + R[$1,load,$r,$2])); done
	echo "$sum"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "?") printf "%.2f\n", a / b; else print "?" }'
}

# aim VALUE OP LIMIT: "met" or "missed" (OP is <= or >=).
aim() {
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { if (v == "?") print "?"; else print ((op == "<=" ? v <= l : v >= l) ? "met" : "missed") }'
}

mib() {
	awk -v k="$1" 'BEGIN { printf "%.1f MiB\n", k / 1024 }'
}

rows=
errors=0
for t in "${TARGETS[@]}"; do
	side=${SIDE[$t]}
	rps=$(median "$t" load rps) p50=$(median "$t" load p50) p99=$(median "$t" load p99)
	cpu=$(median "$t" load cpu) solo=$(median "$t" solo p50)
	printf -v row '| %s | %.0f | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %s | %s |' "${TITLE[$t]}" "$rps" "$p50" "$p99" \
		"$cpu" "$solo" "$(mib "${PSS_IDLE[$side]}")" "$(mib "${PSS_LOADED[$side]}")"
	rows+=$row$'\n'
	if [ "$t" != nodered ]; then
		peer_rps=$(median nodered load rps) peer_cpu=$(median nodered load cpu)
		rows+="| ${TITLE[$t]} / Node-RED | $(ratio "$rps" "$peer_rps") | $(ratio "$p50" "$(median nodered load p50)")"
		rows+=" | $(ratio "$p99" "$(median nodered load p99)") | $(ratio "$cpu" "$peer_cpu") | $(ratio "$solo" "$(median nodered solo p50)")"
		rows+=" | $(ratio "${PSS_IDLE[$side]}" "${PSS_IDLE[nodered]}") | $(ratio "${PSS_LOADED[$side]}" "${PSS_LOADED[nodered]}") |"$'\n'
		rows+="| aim for ${TITLE[$t]} | ≥ 1 × Node-RED: **$(aim "$(ratio "$rps" "$peer_rps")" '>=' 1)** | |"
		rows+=" < 20 ms: **$(aim "$p99" '<=' 20)** | ≤ 2 × Node-RED: **$(aim "$(ratio "$cpu" "$peer_cpu")" '<=' 2)**"
		rows+=" | < 2 ms: **$(aim "$solo" '<=' 2)** | | |"$'\n'
	fi
done

per_round="| round | | requests/s | p50 | p99 | CPU per request | errors | alone: p50 | alone: p99 |"$'\n'
per_round+="|---|---|---:|---:|---:|---:|---:|---:|---:|"$'\n'
for ((r = 1; r <= ROUNDS; r++)); do
	for t in "${TARGETS[@]}"; do
		printf -v row '| %d | %s | %.0f | %.2f ms | %.2f ms | %.2f ms | %d | %.2f ms | %.2f ms |' "$r" "${TITLE[$t]}" \
			"${R[$t,load,$r,rps]}" "${R[$t,load,$r,p50]}" "${R[$t,load,$r,p99]}" "${R[$t,load,$r,cpu]}" \
			"${R[$t,load,$r,errors]}" "${R[$t,solo,$r,p50]}" "${R[$t,solo,$r,p99]}"
		per_round+=$row$'\n'
		errors=$((errors + R[$t,load,$r,errors] + R[$t,solo,$r,errors]))
	done
done

# per_request_ms TARGET PART: a part's CPU per request over the rounds at full load.
per_request_ms() {
	awk -v u="${CPU_PART[$1,$2]}" -v n="$(total "$1" requests)" 'BEGIN { if (n > 0) printf "%.2f", u / n / 1000; else print "?" }'
}
breakdown=
for t in "${TARGETS[@]}"; do
	[ "${SIDE[$t]}" = axon ] || continue
	breakdown+="${TITLE[$t]}: axond $(per_request_ms "$t" axond) ms, the sandbox $(per_request_ms "$t" sandbox) ms"
	breakdown+=" (the zygote itself $(per_request_ms "$t" zygote) ms, the rest its workers), nginx $(per_request_ms "$t" nginx) ms; "
done
breakdown=${breakdown%; }

conf_text=$(printf '%s, ' "${AXON_CONF[@]}")
conf_text=${conf_text%, }
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
section=$(cat <<EOF
## Peer

\`tests/bench/peer-bench.sh\` ($(date -u +%Y-%m-%d), $(nproc) × ${cpu_model:-unknown CPU}, Linux $(uname -r | cut -d- -f1),
load average $load0 at the start and $(cut -d' ' -f1 /proc/loadavg) at the end): ${TITLE[nodered]} on Node.js $(node --version) and Axon
behind $(nginx -v 2>&1 | sed 's/.*: //') serve the same workload, \`POST {"values":[1,2,3,4,5]}\` → add a field → sum in user
code → reply \`{"sum":15,"count":5,"tag":"bench"}\`. Node-RED runs it as a flow (http in → change → function →
http response; no isolation, nothing recorded); Axon as a synchronous webhook → \`json.set\` → \`bench.sum\` (a C
block built with the SDK, \`tests/bench/sum_block.c\`), each block confined in the sandbox (in a warm worker
of that workflow; "strict": a fresh process per execution), the run and its steps written to SQLite
(axon.conf: $conf_text). wrk runs on the same machine against
each in alternation: $ROUNDS rounds of $LOAD_SECONDS s at $CONNECTIONS connections and $SOLO_SECONDS s at one connection
("alone"), after ${WARMUP_SECONDS} s of warm-up each. Figures are the median of the rounds; memory is PSS, idle
before any load and the largest sample taken half way through a round at $CONNECTIONS connections.

| | requests/s | p50 | p99 | CPU per request | alone (p50) | PSS idle | PSS loaded |
|---|---:|---:|---:|---:|---:|---:|---:|
$rows
CPU per request is the CPU time of each whole server side during a run divided by the requests wrk
completed: for Node-RED its node process; for Axon axond, the sandbox (the zygote and every worker
it forked) and nginx (master and workers). It was counted with $USAGE_METHOD; figures
sampled per process at the end would miss every worker that exits during a run (in strict mode, one
per block execution).
By part, over all rounds at $CONNECTIONS connections: $breakdown. $((runs1 - runs0)) Axon runs succeeded
during the rounds.

The machine's own cost of a process, from \`sandbox-bench.sh\` in the same run: $fork_cost.

Each round (errors are non-2xx answers plus socket errors):

${per_round%$'\n'}
EOF
)
echo
echo "$section"
write_performance_section Peer "$section"
[ "$errors" = 0 ] || { echo "peer-bench: $errors errors during the runs"; exit 1; }
exit 0
