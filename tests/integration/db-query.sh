#!/bin/bash
# db.query against a real PostgreSQL 15 cluster made and started by this test
# on a loopback port (initdb and postgres from Debian's postgresql-15, as
# nobody when the test runs as root), with a password (SCRAM): a table made
# through axonctl, rows inserted and read back through webhooks with their
# types kept, parameters that stay values, max_rows, the statement's time
# limit, the server's errors, and the password nowhere in what Axon keeps.
# The connection is a credential (axonctl credentials add): its host is the
# only one a workflow reaches.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
CTL=$top_builddir/axonctl
[ -x "$CTL" ] || it_skip "$CTL is not built"
it_start_postgresql
PASSWORD=$PG_PASSWORD

it_start nginx "egress_allow_loopback = yes"
it_setup_owner "db query pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token db
# credential NAME PASSWORD: the cluster as a credential added by axonctl for the owner.
credential() {
	jq -n --argjson port "$PGPORT" --arg p "$2" '{host: "127.0.0.1", port: $port, database: "postgres", user: "axon",
		password: $p, sslmode: "disable"}' >"$IT_TMP/cred.json"
	"$CTL" -c "$IT_TMP/axon.conf" credentials add "$1" --type postgres --fields "@$IT_TMP/cred.json" \
		>/dev/null 2>"$IT_TMP/cred.err" || it_fail "the credential $1 is added" "$(cat "$IT_TMP/cred.err")"
	rm -f "$IT_TMP/cred.json"
}
credential pg "$PASSWORD"
credential wrong "not the password"
ACCOUNT=pg

# ctl_query STATEMENT [CONFIG-JSON]: db.query run by axonctl; its output in $IT_TMP/ctl.out, exit status in RC.
ctl_query() {
	jq -n --arg a "$ACCOUNT" --arg s "$1" --argjson c "${2:-{\}}" '{format: 1, trigger: {type: "manual"},
		blocks: [{id: "q", type: "db.query", config: ({credential: $a, statement: $s} + $c)}]}' >"$IT_TMP/q.json"
	"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/q.json" >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
	RC=$?
}

echo "# a table, through axonctl"
ctl_query "CREATE TABLE orders (id serial PRIMARY KEY, customer text NOT NULL, total numeric(10,2), paid boolean,
	items int, meta jsonb, at timestamptz DEFAULT '2026-12-02 10:00:00+00')"
check_eq "$RC" 0 "axonctl runs CREATE TABLE"
check_eq "$(jq -c '.steps[0].outputs.result | [.command, .count]' "$IT_TMP/ctl.out")" '["CREATE TABLE",0]' "... which says so"

echo "# rows in and out, through webhooks"
# (the statements' $1, $2... below are PostgreSQL's, in single quotes on purpose)
hook() {
	local def
	def=$(jq -n --arg a "$ACCOUNT" --arg s "$2" --argjson p "$3" '{format: 1, trigger: {type: "webhook", reply: "q.result"},
		blocks: [{id: "q", type: "db.query", config: {credential: $a, statement: $s, params: $p}}]}')
	it_webhook_workflow "$1" "$def" >"$IT_TMP/hook-path" || it_fail "the workflow $1 and its hook are made" "$(it_answer)"
	HOOK=$(cat "$IT_TMP/hook-path")
}
# shellcheck disable=SC2016
hook "Add order" 'INSERT INTO orders (customer, total, paid, items, meta) VALUES ($1, $2, $3, $4, $5) RETURNING id' \
	'["{{ trigger.body.customer }}", "{{ trigger.body.total }}", "{{ trigger.body.paid }}", "{{ trigger.body.items }}", "{{ trigger.body.meta }}"]'
ADD=$HOOK
req POST "$ADD" -H 'Content-Type: application/json' --data '{"customer": "Ada", "total": "12.50", "paid": true, "items": 3, "meta": {"tags": ["vip"]}}'
check_status 200 "an INSERT through a webhook"
check_eq "$(jq -c '[.command, .affected, .rows]' "$BODY")" '["INSERT 0 1",1,[{"id":1}]]' "... with what it returned"
req POST "$ADD" -H 'Content-Type: application/json' --data "{\"customer\": \"x' OR '1'='1\", \"total\": null, \"paid\": false, \"items\": null, \"meta\": null}"
check_status 200 "a second order, its customer a would-be injection"
# shellcheck disable=SC2016
hook "Find orders" 'SELECT * FROM orders WHERE customer = $1 ORDER BY id' '["{{ trigger.body.customer }}"]'
req POST "$HOOK" -H 'Content-Type: application/json' --data '{"customer": "Ada"}'
check_status 200 "a SELECT through a webhook"
check_eq "$(jq -c .rows "$BODY")" '[{"id":1,"customer":"Ada","total":"12.50","paid":true,"items":3,"meta":{"tags":["vip"]},"at":"2026-12-02 10:00:00+00"}]' \
	"the row with its types: integers, exact numeric as text, boolean, JSON, time"
req POST "$HOOK" -H 'Content-Type: application/json' --data "{\"customer\": \"x' OR '1'='1\"}"
check_eq "$(jq -c '[.rows[].customer, .rows[].total, .rows[].meta]' "$BODY")" "[\"x' OR '1'='1\",null,null]" \
	"a parameter is a value, never SQL; NULL is null"

echo "# limits and errors"
ctl_query 'SELECT n FROM generate_series(1, 50) AS n' '{"max_rows": 10}'
check_eq "$(jq -c '.steps[0].outputs.result | [.count, .more, .rows[9].n]' "$IT_TMP/ctl.out")" '[10,true,10]' \
	"max_rows keeps the first rows and says there were more"
ctl_query 'SELECT pg_sleep(5)' '{"timeout_s": 1}'
check_eq "$RC" 1 "a statement over its time limit fails"
check_eq "$(jq -r .steps[0].error "$IT_TMP/ctl.out")" "ERROR:  canceling statement due to statement timeout" "... with the server's words"
ctl_query 'SELECT * FROM nope'
check_eq "$(jq -r .steps[0].error "$IT_TMP/ctl.out")" 'ERROR:  relation "nope" does not exist' "an SQL error is the server's"
ctl_query 'SELECT 1' '{"host": "192.0.2.1"}'
check_eq "$RC" 65 "a workflow cannot name another host"
check_contains "$(cat "$IT_TMP/ctl.err")" "block 'q': config: unknown field 'host'" "... the block has no such setting"
printf '{"host": "/run/postgresql", "database": "postgres", "user": "axon"}\n' >"$IT_TMP/socket.json"
"$CTL" -c "$IT_TMP/axon.conf" credentials add socket --type postgres --fields "@$IT_TMP/socket.json" >/dev/null 2>&1
ACCOUNT=socket
ctl_query 'SELECT 1'
check_contains "$(jq -r .steps[0].error "$IT_TMP/ctl.out")" "no socket paths" "a credential's host is never a socket path"
ACCOUNT=wrong
ctl_query 'SELECT 1'
check_eq "$RC" 1 "a wrong password fails"
check_eq "$(jq -r .steps[0].error "$IT_TMP/ctl.out" | grep -o 'password authentication failed for user "axon"')" \
	'password authentication failed for user "axon"' "... saying so"
check_eq "$(grep -rlF -e "$PASSWORD" -e 'not the password' "$IT_TMP/ctl.out" "$IT_TMP/axond.log" "$IT_TMP/data" | wc -l)" 0 \
	"no password is in axonctl's output, the log or the database"
it_done
