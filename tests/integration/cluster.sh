#!/bin/bash
# Three axond nodes sharing one PostgreSQL 15 database behind one nginx (the
# shipped site file with three servers in its upstream; docs/scale-out.md):
# a flood of webhooks spread over them runs every run once; deduplication and
# replay refusal hold across them; a synchronous
# webhook answers from the node that receives it, and from a front node
# (execute_runs = no) with a run another node executes; kill -9 of a node in the middle of slow runs
# leaves them to the others once its lease runs out, every finished step kept
# and never run again; an hourly schedule with three nodes fires once for
# missed ticks; /metrics and the run page name the node.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_postgresql_only
it_init
it_start_postgresql
IT_PG_LINE=$(it_postgresql_database axon) || it_skip "no database could be made"

NODES=(a b c)
declare -A NODE_PID
# start_node N [lines...]: node-N on its own socket and data directory; the
# keys of node a's (sessions, CSRF tokens and credentials open on every node).
start_node() {
	local n=$1 conf=$IT_TMP/node-$1.conf
	shift
	it_write_config "unix:$IT_TMP/node-$n.sock" "node_name = node-$n" "run_lease = 3s" "sandbox_workers = 4" "$@"
	sed -e "s|^data_dir = .*|data_dir = $IT_TMP/data-$n|" -e "s|^log = .*|log = $IT_TMP/axond-$n.log|" \
		"$IT_TMP/axon.conf" >"$conf"
	if [ "$n" != a ]; then
		mkdir -p "$IT_TMP/data-$n" && chmod 700 "$IT_TMP/data-$n"
		cp -p "$IT_TMP"/data-a/{secret.key,credential.key} "$IT_TMP/data-$n/"
		[ -e "$IT_TMP/data-a/secrets.json" ] && cp -p "$IT_TMP/data-a/secrets.json" "$IT_TMP/data-$n/"
	fi
	"$top_builddir/axond" -c "$conf" -f 2>"$IT_TMP/axond-$n.stderr" &
	NODE_PID[$n]=$!
	IT_PIDS+=("${NODE_PID[$n]}")
	local i
	for ((i = 0; i < 300; i++)); do
		[ -S "$IT_TMP/node-$n.sock" ] && return 0
		kill -0 "${NODE_PID[$n]}" 2>/dev/null || { cat "$IT_TMP/axond-$n.stderr"; return 1; }
		sleep 0.1
	done
	return 1
}
for n in "${NODES[@]}"; do
	start_node "$n" || it_fail "node-$n starts"
done
port=$(free_port)
write_nginx_conf "$IT_TMP/nginx" "$port" "$IT_TMP/node-a.sock $IT_TMP/node-b.sock $IT_TMP/node-c.sock" \
	"$IT_TMP/nginx/error.log"
nginx -p "$IT_TMP/nginx" -c "$IT_TMP/nginx/nginx.conf" -e "$IT_TMP/nginx/error.log" &
IT_PIDS+=($!)
BASE_URL=http://127.0.0.1:$port
it_wait_port "$port" nginx "$IT_TMP/nginx/error.log" || exit 1

echo "# one instance, whichever node answers"
it_setup_owner "cluster pw 42"
check_eq "$?" 0 "the owner is set up through the nodes"
it_api_token cluster
check_eq "$?" 0 "an API token"
nodes_seen=""
for _ in 1 2 3 4 5 6; do
	req GET /account "${API[@]}"
	[ "$STATUS" = 200 ] || it_fail "the token opens the account on every node" "$STATUS"
	req GET /metrics
	nodes_seen="$nodes_seen $(grep -o 'axon_node_info{node="node-[abc]"}' "$BODY" | cut -d'"' -f2)"
done
check_eq "$(echo "$nodes_seen" | tr ' ' '\n' | grep -c .)" 6 "/metrics names the node that answered"
check_eq "$(echo "$nodes_seen" | tr ' ' '\n' | grep . | sort -u | wc -l)" 3 "... and requests reach all three nodes"

echo "# a flood of webhooks: every run once"
HOOK=$(it_webhook_workflow Echo '{"format": 1, "trigger": {"type": "webhook"},
  "blocks": [{"id": "set", "type": "json.set", "config": {"set": {"seen": true}}},
    {"id": "again", "type": "json.set", "config": {"set": {"twice": true}}}],
  "edges": [{"from": "set.out", "to": "again.in"}]}') || it_fail "a webhook workflow" "$(cat "$BODY")"
ECHO=$(sql "SELECT id FROM workflows WHERE name = 'Echo'")
# deliver N URL [curl options...]: N deliveries at once, spread by nginx over
# the nodes, each {"n": 1..N} (or $DELIVERY_BODY); the statuses answered, counted.
deliver() {
	local n=$1 url=$2 i
	shift 2
	for i in $(seq 1 "$n"); do
		curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
			--data "${DELIVERY_BODY:-{\"n\": $i\}}" "$@" "$url" &
	done | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}'
}
check_eq "$(deliver 60 "$BASE_URL$HOOK")" "60×202 " "60 deliveries are taken"
it_wait_sql "SELECT count(*) FROM runs WHERE workflow_id = $ECHO AND status = 'succeeded'" 60 ||
	it_fail "every run succeeds" "$(sql "SELECT status, count(*) FROM runs GROUP BY status")"
check_eq "$(sql "SELECT count(*) FROM runs WHERE workflow_id = $ECHO")" 60 "... once each: 60 runs"
check_eq "$(sql "SELECT count(DISTINCT CAST(json_extract(input, '\$.body.n') AS TEXT)) FROM runs WHERE workflow_id = $ECHO")" 60 \
	"... one per delivery"
check_eq "$(sql "SELECT count(*) FROM steps s JOIN runs r ON r.id = s.run_id WHERE r.workflow_id = $ECHO
	AND s.status = 'ok' AND s.attempts = 1")" 120 "... every step ran once"
check_eq "$(sql "SELECT count(DISTINCT s.node) > 1 FROM steps s JOIN runs r ON r.id = s.run_id WHERE r.workflow_id = $ECHO")" 1 \
	"... on more than one node"

echo "# a synchronous webhook answers from whichever node receives it"
SYNC=$(it_webhook_workflow Replier '{"format": 1, "trigger": {"type": "webhook", "reply": "reply.out"},
  "blocks": [{"id": "reply", "type": "json.set", "config": {"set": {"body": {"answered": true}}}}]}') ||
	it_fail "a synchronous webhook workflow" "$(cat "$BODY")"
answers=""
for i in 1 2 3 4 5 6; do
	answers="$answers$(curl -s -X POST -H 'Content-Type: application/json' --data "{\"i\": $i}" "$BASE_URL$SYNC" |
		jq -r '.answered') "
done
check_eq "$answers" "true true true true true true " "six synchronous answers, over the three nodes"

echo "# deduplication and replay refusal hold across the nodes"
check_eq "$(deliver 6 "$BASE_URL$HOOK" -H 'X-Axon-Delivery: same-delivery')" "5×200 1×202 " \
	"six deliveries with one key at once, over the nodes: one is taken, five are known"
check_eq "$(sql "SELECT count(*) FROM runs WHERE dedup_key = 'same-delivery'")" 1 "... one run"
it_create_workflow Signed '{"format": 1, "trigger": {"type": "webhook", "signed": true, "replay_window_s": 60},
  "blocks": [{"id": "a", "type": "json.set", "config": {}}]}'
SIGNED=$WF
req POST "/workflows/$SIGNED/webhook" "${API[@]}" --data action=sign
SHOOK=$(jqb .path) SECRET=$(jqb .secret)
now=$(date +%s)
signature=$(printf '%s' "$now.{\"x\":1}" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.* //')
check_eq "$(DELIVERY_BODY='{"x":1}' deliver 6 "$BASE_URL$SHOOK" -H "X-Axon-Timestamp: $now" \
	-H "X-Axon-Signature: sha256=$signature")" "1×202 5×409 " "one signed delivery sent six times at once: five replays refused"
check_eq "$(sql "SELECT count(*) FROM runs WHERE workflow_id = $SIGNED")" 1 "... one run"

echo "# a front node (execute_runs = no) leaves its runs to the others"
start_node front "execute_runs = no" || it_fail "the front node starts"
front_port=$(free_port)
write_nginx_conf "$IT_TMP/nginx-front" "$front_port" "$IT_TMP/node-front.sock" "$IT_TMP/nginx-front/error.log"
nginx -p "$IT_TMP/nginx-front" -c "$IT_TMP/nginx-front/nginx.conf" -e "$IT_TMP/nginx-front/error.log" &
IT_PIDS+=($!)
it_wait_port "$front_port" nginx "$IT_TMP/nginx-front/error.log" || exit 1
FRONT=http://127.0.0.1:$front_port
REPLIER=$(sql "SELECT id FROM workflows WHERE name = 'Replier'")
answer=$(curl -s -w ' %{http_code}' -X POST -H 'Content-Type: application/json' --data '{"front": 1}' "$FRONT$SYNC")
check_eq "$answer" '{"answered":true} 200' "a synchronous webhook the front node receives answers with the run's reply"
front_run=$(sql "SELECT max(id) FROM runs WHERE workflow_id = $REPLIER")
check_eq "$(sql "SELECT status, node FROM runs WHERE id = $front_run" | grep -c '^succeeded|node-[abc]$')" 1 \
	"... from a run that succeeded on another node ($(sql "SELECT node FROM runs WHERE id = $front_run"))"
check_eq "$(sql "SELECT count(*) FROM steps WHERE run_id = $front_run AND status = 'ok' AND node <> 'node-front'")" 1 \
	"... its step ran once, not on the front node"
check_eq "$(sql "SELECT status FROM deliveries WHERE run_id = $front_run")" 200 "... and the delivery is recorded as answered"
echo "# that run started $(sql "SELECT started_at - created_at FROM runs WHERE id = $front_run") ms after the front node made it (a lease is 3000 ms)"
echoes=$(sql "SELECT count(*) FROM runs WHERE workflow_id = $ECHO")
check_eq "$(deliver 6 "$FRONT$HOOK")" "6×202 " "six asynchronous deliveries to the front node are taken"
it_wait_sql "SELECT count(*) FROM runs WHERE workflow_id = $ECHO AND status = 'succeeded'" $((echoes + 6)) ||
	it_fail "their runs succeed" "$(sql "SELECT status, node, count(*) FROM runs GROUP BY status, node")"
check_eq "$(sql "SELECT count(*) FROM steps WHERE node = 'node-front'")" 0 "... and no step of any run ran on the front node"
if grep -q "takes it over" "$IT_TMP/axond-front.log"; then
	it_fail "the front node takes no run over"
else
	it_pass "the front node takes no run over"
fi

echo "# kill -9 of a node in the middle of slow runs"
it_create_workflow Slow '{"format": 1, "trigger": {"type": "manual"},
  "blocks": [{"id": "first", "type": "json.set", "config": {"set": {"first": true}}},
    {"id": "wait", "type": "flow.wait", "config": {"duration": "6s"}},
    {"id": "last", "type": "json.set", "config": {"set": {"last": true}}}],
  "edges": [{"from": "first.out", "to": "wait.in"}, {"from": "wait.out", "to": "last.in"}]}'
SLOW=$WF
# slow_runs N: N runs of Slow after the last one, waiting in their flow.wait;
# sets after (the last run before them), busiest (the node that holds the
# most of them) and held (how many it holds).
slow_runs() {
	after=$(sql "SELECT coalesce(max(id), 0) FROM runs WHERE workflow_id = $SLOW")
	local _
	for _ in $(seq 1 "$1"); do
		req POST "/workflows/$SLOW/run" "${API[@]}" --data 'input={}'
	done
	it_wait_sql "SELECT count(*) FROM steps s JOIN runs r ON r.id = s.run_id WHERE r.id > $after
		AND r.workflow_id = $SLOW AND s.block = 'wait' AND s.status = 'waiting'" "$1" || it_fail "$1 runs wait"
	busiest=$(sql "SELECT node FROM runs WHERE id > $after AND workflow_id = $SLOW GROUP BY node
		ORDER BY count(*) DESC, node LIMIT 1")
	held=$(sql "SELECT count(*) FROM runs WHERE id > $after AND workflow_id = $SLOW AND node = '$busiest'")
}
slow_runs 9
victim=$busiest
kill -KILL "${NODE_PID[${victim#node-}]}"
echo "# killed $victim, which held $held of the nine runs"
it_wait_sql "SELECT count(*) FROM runs WHERE workflow_id = $SLOW AND status = 'succeeded'" 9 ||
	it_fail "the nine runs succeed" "$(sql "SELECT id, status, node, lease_until FROM runs WHERE workflow_id = $SLOW")"
check_eq "$(sql "SELECT count(*) FROM runs WHERE workflow_id = $SLOW AND node = '$victim'")" 0 \
	"... the victim's runs were taken over by the others"
check_eq "$(sql "SELECT count(*) FROM steps s JOIN runs r ON r.id = s.run_id WHERE r.workflow_id = $SLOW
	AND s.block = 'first' AND s.node = '$victim' AND s.attempts = 1")" "$held" \
	"... their first steps, finished on the victim, did not run again"
check_eq "$(sql "SELECT count(*) FROM steps s JOIN runs r ON r.id = s.run_id WHERE r.workflow_id = $SLOW
	AND s.block = 'last' AND s.node = '$victim'")" 0 "... and their last steps ran elsewhere"
req GET "/runs/$(sql "SELECT min(r.id) FROM runs r JOIN steps s ON s.run_id = r.id WHERE r.workflow_id = $SLOW
	AND s.block = 'first' AND s.node = '$victim'")"
check_body_contains "<dd class=\"node\">$victim</dd>" "the run page names the node of each step"

echo "# a node that stalls past its lease stops its copy of the runs taken over"
slow_runs 4
before=$after stalled=$busiest
kill -STOP "${NODE_PID[${stalled#node-}]}"
echo "# stopped $stalled (SIGSTOP), which held $held of the four runs"
it_wait_sql "SELECT count(*) FROM runs WHERE id > $before AND workflow_id = $SLOW AND status = 'succeeded'" 4 ||
	it_fail "the four runs succeed without it" "$(sql "SELECT id, status, node FROM runs WHERE id > $before")"
kill -CONT "${NODE_PID[${stalled#node-}]}"
for _ in $(seq 1 100); do
	grep -q "stalled past its lease" "$IT_TMP/axond-${stalled#node-}.log" && break
	sleep 0.1
done
grep "stalled past its lease" "$IT_TMP/axond-${stalled#node-}.log" | sed 's/^/# /'
check_eq "$(grep -o "run [0-9]* was taken over.*stalled past its lease" "$IT_TMP/axond-${stalled#node-}.log" | cut -d' ' -f2 |
	sort -u | wc -l)" "$held" \
	"... woken, $stalled finds each of its $held runs taken over and stops its copy"
sleep 1 # anything it would still write
check_eq "$(sql "SELECT count(*) FROM runs WHERE id > $before AND workflow_id = $SLOW AND status = 'succeeded'
	AND node <> '$stalled'")" 4 "... the runs stay succeeded, held by the nodes that took them over"
check_eq "$(sql "SELECT count(*) FROM steps s JOIN runs r ON r.id = s.run_id WHERE r.id > $before
	AND r.workflow_id = $SLOW AND s.block = 'last' AND s.node <> '$stalled' AND s.attempts = 1")" 4 \
	"... and each last step is the new holder's, run once"

echo "# a schedule fires once across the nodes"
it_create_workflow Hourly '{"format": 1, "trigger": {"type": "schedule", "cron": "0 * * * *"},
  "blocks": [{"id": "tick", "type": "json.set", "config": {"set": {"tick": true}}}]}'
HOURLY=$WF
it_wait_sql "SELECT count(*) FROM schedule_ticks WHERE workflow_id = $HOURLY" 1 || it_fail "the schedule is seen"
sql "UPDATE schedule_ticks SET last_fire = last_fire - 3 * 86400 WHERE workflow_id = $HOURLY" >/dev/null
it_wait_sql "SELECT count(*) FROM runs WHERE workflow_id = $HOURLY AND status = 'succeeded'" 1 ||
	it_fail "the missed ticks fire"
sleep 5 # every node's scheduler looks again at least twice
check_eq "$(sql "SELECT count(*) FROM runs WHERE workflow_id = $HOURLY")" 1 "three days of missed ticks fire one run, once"
it_done
