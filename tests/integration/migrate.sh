#!/bin/bash
# axonctl migrate: an Axon on SQLite (an owner, a token, a workflow with two
# versions and runs, a credential a run uses, a webhook) copied into an empty
# PostgreSQL database; the counts match on both sides, a second copy into
# the now full database is refused and changes nothing, the password given
# is never printed; then axond on PostgreSQL: the same password signs in,
# the same token works, the workflow has both versions, a new run gets an id
# past the copied ones and the credential still opens.
# The source is always SQLite, whatever AXON_TEST_DATABASE says.
unset AXON_TEST_DATABASE
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
CTL=$top_builddir/axonctl
[ -x "$CTL" ] || it_skip "$CTL is not built"
command -v psql >/dev/null || it_skip "psql is not installed (./quickstart check installs it)"
it_start_http_server || it_skip "the test HTTP server did not start (python3 missing?)"

PW='owner password 1'
# pg QUERY: one value from the PostgreSQL database "moved".
pg() {
	PGPASSFILE=$PG_PASSFILE psql -X -q -At -h 127.0.0.1 -p "$PGPORT" -U axon -d moved -c "$1" 2>&1
}
# The times the test server received the credential's token.
tokens_seen() {
	curl -s "http://127.0.0.1:$HTTP_PORT/seen" | grep -c 'Bearer tok-SECRET-1'
}
COUNTED="users workflows workflow_versions runs steps credentials webhooks api_tokens audit_log kb_chunks"
counts() { # sqlite|pg
	local t
	for t in $COUNTED; do
		if [ "$1" = pg ]; then echo "$t $(pg "SELECT count(*) FROM $t")"; else echo "$t $(sql "SELECT count(*) FROM $t")"; fi
	done | tr '\n' ' '
}

echo "# an Axon on SQLite"
it_start nginx "egress_allow_loopback = yes"
LITE_DB=$DB
it_setup_owner "$PW" || it_fail "setup"
it_api_token migrate || it_fail "an API token" "$(head -c 300 "$BODY")"
ctl 0 "a credential added by axonctl" credentials add api --type bearer \
	--fields "{\"token\": \"tok-SECRET-1\", \"allowed_origins\": \"http://127.0.0.1:$HTTP_PORT\"}"
DEF=$(jq -nc --arg url "http://127.0.0.1:$HTTP_PORT/auth" '{format: 1, trigger: {type: "manual"},
	blocks: [{id: "call", type: "http.request", config: {url: $url, credential: "api"}}]}')
it_create_workflow "Moved" "$DEF"
check_status 201 "a workflow"
req POST "/workflows/$WF" "${API[@]}" --data-urlencode name=Moved --data-urlencode 'description=second' \
	--data-urlencode "definition=$DEF"
check_json .workflow.version 2 "... saved again: version 2"
for i in 1 2 3; do
	req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={}'
	check_json .run.status succeeded "run $i, with the credential"
done
check_eq "$(tokens_seen)" 3 "the server received the token three times"
req POST "/workflows/$WF/webhook" "${API[@]}" --data action=create
check_status 201 "a webhook"
it_stop_axond || it_fail "axond stops"
# A knowledge base's chunk: its embedding is a blob (with a zero byte).
sql "INSERT INTO knowledge_bases (name, dims, created_at) VALUES ('kb', 2, 1);
	INSERT INTO kb_documents (kb_id, name, source, created_at) VALUES (1, 'doc', 'text', 1);
	INSERT INTO kb_chunks (document_id, kb_id, seq, text, embedding) VALUES (1, 1, 0, 'chunk', X'0000803f00000040')"
LITE_COUNTS=$(counts sqlite)
MAX_RUN=$(sql "SELECT max(id) FROM runs")

echo "# the copy"
it_start_postgresql
PG_LINE=$(it_postgresql_database moved) || it_fail "an empty database"
TARGET=${PG_LINE#database = }
ctl 64 "migrate without --to" migrate
ctl 64 "migrate --to a file" migrate --to "$IT_TMP/other.db"
ctl 69 "migrate --to a database nobody listens for" migrate \
	--to "postgresql://axon@127.0.0.1:$(free_port)/moved?passfile=$PG_PASSFILE&sslmode=disable"
sql "CREATE TABLE extra (x)"
ctl 70 "migrate of a database with a table it does not know" migrate --to "$TARGET"
check_file "$ERR" "has a table extra that this axonctl does not know how to copy" "... is refused, naming it"
sql "DROP TABLE extra"
ctl 0 "migrate --to the empty database" migrate --to "$TARGET"
check_file "$OUT" "$(printf '%-20s %s' runs 3)" "a line per table: runs 3"
check_file "$OUT" "$(printf '%-20s %s' workflow_versions 2)" "... workflow_versions 2"
check_file "$OUT" "; counts checked" "the total, counts checked"
check_file "$OUT" "set \`database = $TARGET\` in axon.conf" "the next step names the database line"
check_file "$OUT" "secret.key" "... and the keys to copy"
check_eq "$(counts pg)" "$LITE_COUNTS" "the counts match: $LITE_COUNTS"
check_eq "$(pg "SELECT substr(sealed, 1, 5) FROM credentials")" 'axc1$' "the credential is copied sealed"
check_eq "$(pg "SELECT encode(embedding, 'hex') FROM kb_chunks")" 0000803f00000040 "a blob is copied byte for byte"

echo "# a second copy is refused"
ENCODED=pg%20pass%20phrase%2042
ctl 65 "migrate into the database now full, its password in the URI" migrate \
	--to "postgresql://axon:$ENCODED@127.0.0.1:$PGPORT/moved?sslmode=disable"
check_file "$ERR" "its table users holds 1 row; the target must be an empty database" "... saying so, naming the table"
lacks_file "$ERR" "$ENCODED" "... never printing the password"
lacks_file "$OUT" "$ENCODED" "... nor on stdout"
check_eq "$(counts pg)" "$LITE_COUNTS" "... and changing nothing"
"$CTL" -c "$IT_TMP/axon.conf" migrate --to "host=127.0.0.1 port=$PGPORT dbname=moved user=axon password='$PG_PASSWORD'" \
	>"$OUT" 2>"$ERR"
check_file "$ERR" "is not empty" "a connection string with a password (refused as well)"
lacks_file "$ERR" "$PG_PASSWORD" "a connection string's password is not printed either"

echo "# axond on PostgreSQL"
it_write_config "unix:$IT_TMP/axond.sock" "egress_allow_loopback = yes" "$PG_LINE"
it_start_axond || exit 1
it_wait_healthz || exit 1
JAR=$IT_TMP/again.jar
req GET /login
req POST /login --data-urlencode "csrf=$(csrf_from_body)" --data-urlencode username=owner --data-urlencode "password=$PW"
check_status 303 "the owner signs in with the same password"
JAR=
req GET "/workflows/$WF" "${API[@]}"
check_status 200 "the same API token works"
check_json .workflow.versions 2 "the workflow has both versions"
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={}'
check_json .run.status succeeded "a run on PostgreSQL"
check_eq "$(($(jqb .run.id) > MAX_RUN))" 1 "... gets an id past every copied run ($(jqb .run.id) > $MAX_RUN)"
check_eq "$(tokens_seen)" 4 "the credential still opens: the server received the token"
check_eq "$(sqlite3 "$LITE_DB" "SELECT count(*) FROM runs")" 3 "the SQLite file is left as it was"
it_done
