#!/bin/bash
# Axon on PostgreSQL with 1 to 4 nodes (make bench; docs/scale-out.md): for
# each N, a fresh database, N axond behind one nginx, an asynchronous webhook
# (json.set -> json.set) flooded by wrk; once every run has ended, the runs
# per second from the database's own times, and the cost of a run on the
# database's side (pg_stat_statements, transactions, WAL bytes, lock waits
# sampled every 100 ms, the share of time the write lock is held) and in CPU
# time (nodes with their sandbox, nginx, postgres). Writes "## Figures" in
# docs/scale-out.md with a paper estimate for a 16-core database host.
#
# SCALE_BENCH_NODES (the largest N), SCALE_BENCH_SECONDS (wrk's time per N),
# SCALE_BENCH_CONNECTIONS and SCALE_BENCH_DRAIN (the longest wait, in s, for
# the queued runs to end) change the load; SCALE_BENCH_RTT_MS is the round
# trip to a database host that the paper estimate assumes (0.1 ms).
# shellcheck disable=SC2317 # usage-lib.sh calls the pids_* functions by name
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
export top_srcdir top_builddir
MAX_NODES=${SCALE_BENCH_NODES:-4}
LOAD_SECONDS=${SCALE_BENCH_SECONDS:-10}
CONNECTIONS=${SCALE_BENCH_CONNECTIONS:-16}
DRAIN_SECONDS=${SCALE_BENCH_DRAIN:-60}
RTT_MS=${SCALE_BENCH_RTT_MS:-0.1} # the paper estimate's round trip to a database host on the LAN
NODE_CONF=("threads = 8" "sandbox_workers = 4" "run_lease = 30s" "log_level = warn" "rate_api_per_user = 0"
	"rate_runs_per_user = 0" "rate_webhook_per_hook = 0")

# shellcheck source=SCRIPTDIR/../integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
# shellcheck source=SCRIPTDIR/wrk-lib.sh
. "$top_srcdir/tests/bench/wrk-lib.sh"
# shellcheck source=SCRIPTDIR/usage-lib.sh
. "$top_srcdir/tests/bench/usage-lib.sh"
it_skip() {
	echo "scale-bench: $*" >&2
	exit 1
}
command -v wrk >/dev/null || it_skip "wrk is not installed (apt-get install wrk)"
command -v psql >/dev/null || it_skip "psql is not installed (apt-get install postgresql-client)"
it_init
# shellcheck disable=SC2034 # read by it_start_postgresql
IT_PG_OPTIONS=(-c shared_preload_libraries=pg_stat_statements -c track_io_timing=on -c track_wal_io_timing=on)
it_start_postgresql
PG_PID=${IT_PIDS[-1]}

# pg DATABASE QUERY: the rows, fields split by tabs. Every query of ours in
# a bench database says "scale_bench", so that its statistics leave it out.
pg() {
	PGPASSFILE=$PG_PASSFILE psql -X -q -At -F $'\t' -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U axon -d "$1" -c "$2"
}
OURS="query NOT LIKE '%scale_bench%' AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"

## The processes counted: every node with its sandbox, nginx, postgres with its backends.

NODE_PIDS=()
NGINX_PID=
pids_postgres() { usage_tree "$PG_PID"; }
# shellcheck disable=SC2046,SC2086 # one argument per pid
pids_axond() { usage_tree ${NODE_PIDS[@]+"${NODE_PIDS[@]}"}; }
# shellcheck disable=SC2086 # none when nginx is not running
pids_nginx() { usage_tree $NGINX_PID; }
PARTS=(postgres axond nginx)
usage_start "${PARTS[@]}" || it_skip "cannot move the servers into cgroups"
echo "scale-bench: CPU counted with $USAGE_METHOD"

cat >"$IT_TMP/post.lua" <<EOF
wrk.method = "POST"
wrk.body = '{"n": 1}'
wrk.headers["Content-Type"] = "application/json"
EOF

# start_nodes N DATABASE-LINE: node-1..N on their own sockets and data
# directories (the keys of node-1's), then nginx over them; sets BASE_URL.
start_nodes() {
	local n=$1 i conf sockets=() port
	NODE_PIDS=()
	for ((i = 1; i <= n; i++)); do
		conf=$IT_TMP/n$n-node-$i.conf
		it_write_config "unix:$IT_TMP/n$n-node-$i.sock" "node_name = node-$i" "${NODE_CONF[@]}" "$2"
		sed -e "s|^data_dir = .*|data_dir = $IT_TMP/n$n-data-$i|" -e "s|^log = .*|log = $IT_TMP/n$n-axond-$i.log|" \
			"$IT_TMP/axon.conf" >"$conf"
		if [ "$i" != 1 ]; then
			mkdir -p "$IT_TMP/n$n-data-$i" && chmod 700 "$IT_TMP/n$n-data-$i"
			cp -p "$IT_TMP/n$n-data-1"/{secret.key,credential.key} "$IT_TMP/n$n-data-$i/"
			[ -e "$IT_TMP/n$n-data-1/secrets.json" ] && cp -p "$IT_TMP/n$n-data-1/secrets.json" "$IT_TMP/n$n-data-$i/"
		fi
		"$top_builddir/axond" -c "$conf" -f 2>"$IT_TMP/axond-n$n-$i.stderr" &
		NODE_PIDS+=($!)
		IT_PIDS+=($!)
		wait_socket "$IT_TMP/n$n-node-$i.sock" "$!" || it_skip "node-$i of $n did not start: $(cat "$IT_TMP/axond-n$n-$i.stderr")"
		sockets+=("$IT_TMP/n$n-node-$i.sock")
	done
	port=$(free_port)
	write_nginx_conf "$IT_TMP/nginx-$n" "$port" "${sockets[*]}" "$IT_TMP/nginx-$n/error.log"
	nginx -p "$IT_TMP/nginx-$n" -c "$IT_TMP/nginx-$n/nginx.conf" -e "$IT_TMP/nginx-$n/error.log" &
	NGINX_PID=$!
	IT_PIDS+=($!)
	BASE_URL=http://127.0.0.1:$port
	it_wait_port "$port" nginx "$IT_TMP/nginx-$n/error.log" || it_skip "nginx did not start"
	it_wait_healthz || it_skip "no node answers"
	# The zygote and nginx's workers are up by now: they join with their parents.
	if ! usage_add axond "${NODE_PIDS[@]}" || ! usage_add nginx "$NGINX_PID"; then
		it_skip "cannot move the servers into cgroups"
	fi
}

# wait_socket PATH PID
wait_socket() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ -S "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

stop_nodes() {
	local pid
	for pid in "$NGINX_PID" "${NODE_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
	for pid in "$NGINX_PID" "${NODE_PIDS[@]}"; do it_wait_exit "$pid" 150 || kill -KILL "$pid" 2>/dev/null; done
	NODE_PIDS=()
	NGINX_PID=
}

# Statistics reach pg_stat_database when a backend is idle for a second.
settle() { sleep 1.5; }

# db_state DATABASE: "commits wal_lsn wal_syncs wal_sync_ms" now.
db_state() {
	pg "$1" "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()),
		pg_current_wal_lsn(), wal_sync, wal_sync_time AS scale_bench FROM pg_stat_wal" | tr '\t' ' '
}

# ms A B: A / B with two decimals (per run, per second...).
per() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print "?" }'
}

declare -A F # F[N,FIELD]

# measure N: one load on N nodes, its figures in F.
measure() {
	local n=$1 db=scale$1 line hook wf before after polls=0 sampler i part cpu0=() d
	line=$(it_postgresql_database "$db") || it_skip "no database $db"
	pg "$db" "CREATE EXTENSION pg_stat_statements" >/dev/null || it_skip "no pg_stat_statements in $db"
	start_nodes "$n" "$line"
	rm -f "$IT_TMP/owner.jar" # the session of the last N's database
	it_setup_owner "bench password" || it_skip "setup failed: $(it_answer)"
	it_api_token bench || it_skip "no API token: $(it_answer)"
	hook=$(it_webhook_workflow Echo '{"format": 1, "trigger": {"type": "webhook"},
	  "blocks": [{"id": "set", "type": "json.set", "config": {"set": {"seen": true}}},
	    {"id": "again", "type": "json.set", "config": {"set": {"twice": true}}}],
	  "edges": [{"from": "set.out", "to": "again.in"}]}') || it_skip "the workflow was refused: $(it_answer)"
	wf=$(pg "$db" "SELECT id AS scale_bench FROM workflows WHERE name = 'Echo'")
	settle
	pg "$db" "SELECT pg_stat_statements_reset() AS scale_bench" >/dev/null
	before=$(db_state "$db")
	for part in "${PARTS[@]}"; do cpu0+=("$(usage_cpu_us "$part")"); done
	# Lock waiters and holders of the write lock, every 100 ms, from the postgres database.
	printf '%s \\watch 0.1\n' "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'),
		(SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted) FROM pg_stat_activity" |
		PGPASSFILE=$PG_PASSFILE psql -X -q -At -F ' ' -h 127.0.0.1 -p "$PGPORT" -U axon -d postgres >"$IT_TMP/samples-$n" 2>&1 &
	sampler=$!
	echo "scale-bench: $n node(s), $LOAD_SECONDS s of wrk at $CONNECTIONS connections"
	run_wrk w "$BASE_URL$hook" "$LOAD_SECONDS" "$CONNECTIONS" -s "$IT_TMP/post.lua"
	for ((i = 0; i < DRAIN_SECONDS * 4; i++)); do
		polls=$((polls + 1))
		[ "$(pg "$db" "SELECT count(*) AS scale_bench FROM runs WHERE status IN ('queued', 'running')")" = 0 ] && break
		sleep 0.25
	done
	kill -TERM "$sampler" 2>/dev/null
	wait "$sampler" 2>/dev/null
	i=0
	for part in "${PARTS[@]}"; do
		d=$(($(usage_cpu_us "$part") - cpu0[i++]))
		F[$n,cpu_$part]=$d
	done
	settle
	after=$(db_state "$db")
	stop_nodes
	# shellcheck disable=SC2154 # set by run_wrk
	F[$n,accepted]=$w_requests F[$n,rps]=$w_rps F[$n,errors]=$w_errors F[$n,polls]=$polls
	read -r F["$n,runs"] F["$n,ok"] F["$n,left"] F["$n,span_ms"] F["$n,p50_ms"] <<<"$(pg "$db" "SELECT count(*),
		count(*) FILTER (WHERE status = 'succeeded'), count(*) FILTER (WHERE finished_at IS NULL),
		max(finished_at) - min(created_at),
		percentile_cont(0.5) WITHIN GROUP (ORDER BY finished_at - created_at) AS scale_bench
		FROM runs WHERE workflow_id = $wf" | tr '\t' ' ')"
	read -r F["$n,stmts"] F["$n,stmt_ms"] F["$n,locks"] F["$n,lock_ms"] F["$n,writes"] F["$n,write_ms"] \
		F["$n,commits_stmt"] F["$n,io_ms"] <<<"$(pg "$db" "SELECT sum(calls), sum(total_exec_time),
		sum(calls) FILTER (WHERE query LIKE '%pg_advisory_xact_lock%'),
		sum(total_exec_time) FILTER (WHERE query LIKE '%pg_advisory_xact_lock%'),
		sum(calls) FILTER (WHERE query ~* '^\s*(INSERT|UPDATE|DELETE)'),
		sum(total_exec_time) FILTER (WHERE query ~* '^\s*(INSERT|UPDATE|DELETE)'),
		sum(calls) FILTER (WHERE query ~* '^\s*COMMIT'),
		sum(blk_read_time + blk_write_time) AS scale_bench FROM pg_stat_statements WHERE $OURS" | tr '\t' ' ')"
	read -r c0 l0 s0 t0 <<<"$before"
	read -r c1 l1 s1 t1 <<<"$after"
	# Our own queries in the database between the two readings commit too: the polls, and db_state's.
	F[$n,xacts]=$((c1 - c0 - polls - 1))
	F[$n,wal]=$(pg "$db" "SELECT pg_wal_lsn_diff('$l1', '$l0') AS scale_bench")
	F[$n,syncs]=$((s1 - s0))
	F[$n,sync_ms]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }')
	F[$n,wait_mean]=$(awk 'NF == 2 { n++; s += $1 } END { printf "%.2f\n", n ? s / n : 0 }' "$IT_TMP/samples-$n")
	F[$n,wait_max]=$(awk 'NF == 2 && $1 > m { m = $1 } END { print m + 0 }' "$IT_TMP/samples-$n")
	F[$n,held]=$(awk 'NF == 2 { n++; if ($2 > 0) h++ } END { printf "%.2f\n", n ? h / n : 0 }' "$IT_TMP/samples-$n")
	F[$n,samples]=$(awk 'NF == 2' "$IT_TMP/samples-$n" | wc -l)
	F[$n,top]=$(pg "$db" "SELECT calls, total_exec_time, mean_exec_time,
		left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS scale_bench
		FROM pg_stat_statements WHERE $OURS ORDER BY total_exec_time DESC LIMIT 5")
	echo "scale-bench: ${F[$n,runs]} runs, ${F[$n,ok]} succeeded, ${F[$n,left]} not ended, over ${F[$n,span_ms]} ms"
}

for ((n = 1; n <= MAX_NODES; n++)); do
	measure "$n"
done

## Figures.

load_end=$(cut -d' ' -f1 /proc/loadavg)
# calc AWK-STATEMENTS: one figure of n, whose fields are awk variables (runs, stmts, ...).
calc() {
	local k vars=()
	for k in runs ended span_ms stmts stmt_ms locks writes write_ms xacts wal syncs sync_ms held samples \
		cpu_axond cpu_nginx cpu_postgres; do
		vars+=(-v "$k=${F[$n,$k]:-0}")
	done
	awk "${vars[@]}" -v rtt="$RTT_MS" "BEGIN { $1 }"
}
ok=1
throughput="| nodes | runs created | succeeded | runs/s | p50 created → finished | webhooks answered/s (wrk) | wrk errors |"$'\n'
throughput+="|---:|---:|---:|---:|---:|---:|---:|"$'\n'
db="| nodes | statements | transactions | write-lock transactions | WAL bytes | WAL flushes (mean) | lock waiters (mean / max) | write lock held | statements' time |"$'\n'
db+="|---:|---:|---:|---:|---:|---:|---:|---:|---:|"$'\n'
cpu="| nodes | axond + sandbox | nginx | postgres | whole server side |"$'\n'
cpu+="|---:|---:|---:|---:|---:|"$'\n'
paper="| nodes | postgres CPU per run | 16 cores carry | lock held per run (estimate) | one lock carries | lock held per run (sampled here) |"$'\n'
paper+="|---:|---:|---:|---:|---:|---:|"$'\n'
for ((n = 1; n <= MAX_NODES; n++)); do
	F[$n,ended]=$((F[$n,runs] - F[$n,left]))
	[ "${F[$n,ok]}" = "${F[$n,runs]}" ] || ok=0
	throughput+="| $n | ${F[$n,runs]} | ${F[$n,ok]} | $(calc 'printf "%.0f", ended * 1000 / span_ms') | ${F[$n,p50_ms]} ms"
	throughput+=" | $(printf '%.0f' "${F[$n,rps]}") | ${F[$n,errors]} |"$'\n'
	db+="| $n | $(calc 'printf "%.1f", stmts / runs') | $(calc 'printf "%.2f", xacts / runs')"
	db+=" | $(calc 'printf "%.2f", locks / runs') | $(calc 'printf "%.0f", wal / runs')"
	db+=" | $(calc 'printf "%.2f (%.2f ms)", syncs / runs, syncs ? sync_ms / syncs : 0')"
	db+=" | ${F[$n,wait_mean]} / ${F[$n,wait_max]} | $(calc 'printf "%.0f %% of %d samples", held * 100, samples')"
	db+=" | $(calc 'printf "%.2f ms", stmt_ms / runs') |"$'\n'
	cpu+="| $n | $(calc 'printf "%.2f ms | %.2f ms | %.2f ms | %.2f ms", cpu_axond / 1000 / runs, cpu_nginx / 1000 / runs,
		cpu_postgres / 1000 / runs, (cpu_axond + cpu_nginx + cpu_postgres) / 1000 / runs') |"$'\n'
	# Held per run: the statements that write (all counted as under the lock), the
	# flush of each write-lock transaction's commit, and a round trip for each of
	# those statements and for the BEGIN and COMMIT around them.
	paper+="| $n | $(calc 'pg = cpu_postgres / 1000 / runs
		hold = (write_ms + locks * (syncs ? sync_ms / syncs : 0)) / runs + rtt * (writes + 2 * locks) / runs
		printf "%.2f ms | %.0f runs/s | %.2f ms | %.0f runs/s | %.2f ms", pg, 16000 / pg, hold, 1000 / hold,
			held * samples * 100 / runs') |"$'\n'
done
n=$MAX_NODES
top="| calls per run | total | mean | statement (as pg_stat_statements keeps it) |"$'\n'
top+="|---:|---:|---:|---|"$'\n'
while IFS=$'\t' read -r calls total mean query; do
	top+="| $(per "$calls" "${F[$n,runs]}") | $(printf '%.0f' "$total") ms | $(printf '%.3f' "$mean") ms | \`${query//|/\\|}…\` |"$'\n'
done <<<"${F[$n,top]}"

conf_text=$(printf '%s, ' "${NODE_CONF[@]}")
conf_text=${conf_text%, }
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
section=$(cat <<EOF
## Figures

\`tests/bench/scale-bench.sh\` ($(date -u +%Y-%m-%d), $(nproc) × ${cpu_model:-unknown CPU}, Linux $(uname -r | cut -d- -f1),
load average $load_end at the end), PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }') with its defaults
(\`synchronous_commit\` on) and pg_stat_statements. For each number of nodes: a fresh database, that many
axond (axon.conf: $conf_text) behind one nginx, and one asynchronous webhook of two
\`json.set\` blocks. wrk posts \`{"n": 1}\` to it for $LOAD_SECONDS s at $CONNECTIONS connections (each answer a 202, the run
queued), then the bench waits until every run has ended. Runs/s is the runs ended divided by the time from
the first run's \`created_at\` to the last run's \`finished_at\`, as the database has them.

**This machine has $(nproc) cores, shared by PostgreSQL, nginx, wrk and every node.** More nodes here only share
the same cores, so these figures cannot show scaling. What they show is the cost of a run, which is what
the estimate below uses.

${throughput%$'\n'}

### What a run costs the database

Per run, from pg_stat_statements, \`pg_stat_database\` and \`pg_stat_wal\` between the start of the load and
the end of the last run (the bench's own queries left out). Transactions are commits; write-lock
transactions are the calls of \`pg_advisory_xact_lock\` (one write transaction may carry several runs'
writes: the nodes commit in groups). WAL flushes are \`pg_stat_wal\`'s syncs with their mean time.
Lock waiters are the backends waiting on a lock (\`wait_event_type = 'Lock'\`), and "write lock held"
the share of samples in which some backend held the advisory lock, both sampled every 100 ms.

${db%$'\n'}

CPU per run, each whole part counted in a cgroup of its own (the processes the nodes and nginx fork are
born in their part's cgroup, postgres's backends in postgres's):

${cpu%$'\n'}

Where the database's time goes with $MAX_NODES nodes, the five statements with the most execution time:

${top%$'\n'}

### What a database host would carry

On paper, from the per-run costs above, for a database host of 16 cores of its own:

- **CPU.** postgres's CPU per run divided into 16 cores: the rate at which its cores would be full, if
  all of them served runs and nothing else stopped it first.
- **The write lock.** Every write transaction takes the one advisory lock and holds it until its commit is
  flushed. So writes go one at a time over every node, and the lock carries at most 1 / (time held per run)
  runs per second, whatever the cores. The time held is estimated, not measured: the execution time of every
  \`INSERT\`, \`UPDATE\` and \`DELETE\` (all counted as inside the lock, though the lease claims run outside it),
  plus one WAL flush of this machine's disk per write-lock transaction, plus a round trip of $RTT_MS ms
  (a database on the LAN) for each of those statements and for the \`BEGIN\` and \`COMMIT\` around them.
  It leaves out the reads made inside write transactions and the node's own time between two statements,
  so it is low. The last column is the share of samples in which the lock was held, as time per run: on
  this loaded machine, where the holder often waits for a core, it is high.

${paper%$'\n'}

The lock is the first wall, far below the cores: with the single advisory write lock, the wall is that
lock's hold time per write transaction × write-lock transactions per run. With one node:
$(n=1 calc 'h = (write_ms + locks * (syncs ? sync_ms / syncs : 0)) / runs + rtt * (writes + 2 * locks) / runs
	printf "%.2f write-lock transactions per run × %.2f ms held each ≈ %.2f ms per run, so about %.0f runs/s", locks / runs,
		h * runs / locks, h, 1000 / h'),
whatever the number of nodes or of the database's cores. Of that time, the flush of the commit on this
machine's disk is $(n=1 calc 'printf "%.2f ms per run", locks * (syncs ? sync_ms / syncs : 0) / runs'): a disk
that flushes faster moves the wall up, and round trips inside the lock move it down. Here, with more nodes,
the lock is held in almost every sample and backends queue on it: the time in \`pg_advisory_xact_lock\`
is waiting, not work. That the cost per run grows with the nodes on this machine is the $(nproc) cores
shared by more processes, not the database's work, which stays at about the same statements per run.
Timeouts in wrk's column are answers slower than wrk's 2 s, on these $(nproc) shared cores; every run
that was created ran.
EOF
)
echo
echo "$section"
write_performance_section Figures "$section" "$top_srcdir/docs/scale-out.md"
[ "$ok" = 1 ] || { echo "scale-bench: some runs did not succeed, or wrk saw errors"; exit 1; }
exit 0
