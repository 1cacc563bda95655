#!/bin/bash
# db.query against SQLite files axon.conf allows: one file read only
# (db_sqlite_allow), a directory whose files may be changed (db_sqlite_write),
# each opened by the daemon. Rows come back with their types (integers,
# reals, text, NULL, a BLOB as binary data); parameters stay values; a
# statement that would change the read-only file, ATTACH of another file,
# a file not listed (nor a symbolic link out of a listed directory), two
# statements at once, max_rows and the time limit are each refused or held.
# Through axonctl and through a webhook.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
CTL=$top_builddir/axonctl
[ -x "$CTL" ] || it_skip "$CTL is not built"
command -v sqlite3 >/dev/null || it_skip "sqlite3 is not installed"

SHOP=$IT_TMP/shop.db
mkdir -p "$IT_TMP/rw" "$IT_TMP/elsewhere"
sqlite3 "$SHOP" "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, total REAL, paid INTEGER, note TEXT, receipt BLOB);
	INSERT INTO orders VALUES (1, 'ada', 12.5, 1, NULL, x'00ff10'), (2, 'grace', 7, 0, 'call first', NULL),
		(3, 'ada', 3.25, 1, 'gift', NULL);"
sqlite3 "$IT_TMP/rw/log.db" "CREATE TABLE events (id INTEGER PRIMARY KEY, what TEXT, data TEXT)"
sqlite3 "$IT_TMP/elsewhere/secret.db" "CREATE TABLE s (v TEXT); INSERT INTO s VALUES ('not yours')"
ln -s "$IT_TMP/elsewhere/secret.db" "$IT_TMP/rw/link.db"
it_start nginx "db_sqlite_allow = $SHOP" "db_sqlite_write = $IT_TMP/rw"
it_setup_owner "db sqlite pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token sqlite

# q FILE STATEMENT [CONFIG-JSON]: db.query on FILE run by axonctl; its output in $IT_TMP/ctl.out, the exit status in RC,
# the step's error in ERROR.
q() {
	jq -n --arg f "$1" --arg s "$2" --argjson c "${3:-{\}}" '{format: 1, trigger: {type: "manual"},
		blocks: [{id: "q", type: "db.query", config: ({sqlite: $f, statement: $s} + $c)}]}' >"$IT_TMP/q.json"
	"$CTL" -c "$IT_TMP/axon.conf" run "$IT_TMP/q.json" >"$IT_TMP/ctl.out" 2>"$IT_TMP/ctl.err"
	RC=$?
	ERROR=$(jq -r '.steps[0].error // empty' "$IT_TMP/ctl.out" 2>/dev/null)
}
result() {
	jq -c "$1" "$IT_TMP/ctl.out"
}

echo "# reading, with the types kept"
q "$SHOP" "SELECT id, customer, total, paid, note, receipt FROM orders WHERE customer = ?1 ORDER BY id" '{"params": ["ada"]}'
check_eq "$RC" 0 "axonctl runs the query"
check_eq "$(result '.steps[0].outputs.result | [.count, .more, .command]')" '[2,false,"SELECT"]' "two rows, all of them, a SELECT"
check_eq "$(result '.steps[0].outputs.result.rows[0] | [.id, .customer, .total, .paid, .note, .receipt.base64]')" \
	'[1,"ada",12.5,1,null,"AP8Q"]' "an integer, text, a real, NULL and a BLOB as binary data"
check_eq "$(result '.steps[0].outputs.result.rows[1] | [.id, .total, .note]')" '[3,3.25,"gift"]' "the second row"
q "$SHOP" "SELECT count(*) AS n FROM orders WHERE customer = ?1" '{"params": ["ada'"'"' OR 1=1 --"]}'
check_eq "$(result '.steps[0].outputs.result.rows')" '[{"n":0}]' "a parameter is a value, never SQL"
q "$SHOP" "SELECT id FROM orders ORDER BY id" '{"max_rows": 2}'
check_eq "$(result '.steps[0].outputs.result | [.count, .more, [.rows[].id]]')" '[2,true,[1,2]]' "max_rows keeps two, saying more were left"
q "$SHOP" "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c" '{"timeout_s": 1}'
check_eq "$RC" 1 "a statement past its time limit fails"
check_eq "$ERROR" "the statement ran past its time limit and was stopped" "... stopped by the daemon"

echo "# the read-only file stays as it was"
q "$SHOP" "DELETE FROM orders"
check_eq "$RC" 1 "a DELETE on the read-only file fails"
check_contains "$ERROR" "the SQLite file is read only for workflows (db_sqlite_allow)" "... saying why"
q "$SHOP" "ATTACH '$IT_TMP/elsewhere/secret.db' AS s"
check_eq "$RC:$ERROR" "1:a statement reaches only its own file: ATTACH and VACUUM INTO are refused" "ATTACH is refused"
q "$IT_TMP/rw/log.db" "VACUUM INTO '$IT_TMP/elsewhere/copy.db'"
check_eq "$RC:$ERROR" "1:a statement reaches only its own file: ATTACH and VACUUM INTO are refused" "VACUUM INTO another file is refused, even from a file that may be changed"
check_eq "$([ -e "$IT_TMP/elsewhere/copy.db" ] && echo made || echo none)" none "... and made nothing"
q "$SHOP" "SELECT 1; DELETE FROM orders"
check_contains "$ERROR" "one statement at a time" "two statements at once are refused"
check_eq "$(sqlite3 "$SHOP" 'SELECT count(*) FROM orders')" 3 "the file still has its three orders"

echo "# files not allowed"
q "$IT_TMP/elsewhere/secret.db" "SELECT v FROM s"
check_contains "$ERROR" "is not one axon.conf allows" "a file not listed is refused"
q "$IT_TMP/rw/link.db" "SELECT v FROM s"
check_contains "$ERROR" "is not one axon.conf allows" "... also through a symbolic link in a listed directory"
q "$IT_TMP/rw/../elsewhere/secret.db" "SELECT v FROM s"
check_contains "$ERROR" "is not one axon.conf allows" "... or a path with .."
q "$IT_TMP/rw/new.db" "CREATE TABLE t (x)"
check_contains "$ERROR" "is not one axon.conf allows" "a file that does not exist is not made"
check_eq "$([ -e "$IT_TMP/rw/new.db" ] && echo made || echo none)" none "... nothing was made"
q "db.sqlite" "SELECT 1"
check_contains "$ERROR" "must be the absolute path" "a relative path is refused"

echo "# writing where allowed, through a webhook"
def=$(jq -n --arg f "$IT_TMP/rw/log.db" '{format: 1, trigger: {type: "webhook", reply: "q.result"},
	blocks: [{id: "q", type: "db.query", config: {sqlite: $f,
		statement: "INSERT INTO events (what, data) VALUES (?1, ?2)", params: ["{{ trigger.body.what }}", "{{ trigger.body.data }}"]}}]}')
it_webhook_workflow "Log" "$def" >"$IT_TMP/hook-path" || it_fail "the workflow and its hook are made" "$(it_answer)"
req POST "$(cat "$IT_TMP/hook-path")" -H 'Content-Type: application/json' --data '{"what": "deploy", "data": {"v": 42}}'
check_status 200 "the webhook's run inserts"
check_eq "$(jq -c '[.command, .affected, .count]' "$BODY")" '["INSERT",1,0]' "... one row affected"
check_eq "$(sqlite3 "$IT_TMP/rw/log.db" "SELECT what || ' ' || json_extract(data, '\$.v') FROM events")" "deploy 42" \
	"the file has the row, the object as JSON"
it_done
