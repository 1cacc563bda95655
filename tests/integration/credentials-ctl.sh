#!/bin/bash
# axonctl credentials against a real database and a real key file: add (the
# fields checked by type, the secret ones sealed: the database holds no
# value), list, import of the old secrets_file, verify, and rotate-key killed
# with SIGKILL at each of its steps leaving every credential readable, then
# finished; a workflow run by axonctl whose http.request uses a credential:
# the local server receives it, the run's output and its stored steps show
# it masked.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
CTL=$top_builddir/axonctl
[ -x "$CTL" ] || it_skip "$CTL is not built"
it_start_http_server || it_skip "the test HTTP server did not start (python3 missing?)"

it_write_config "unix:$IT_TMP/axond.sock" "egress_allow_loopback = yes" "secrets_file = $IT_TMP/secrets.json"
mkdir -p "$IT_TMP/data"
KEY=$IT_TMP/data/credential.key

# The key ids of the sealed credentials, sorted and unique.
sealed_kids() {
	sql "SELECT DISTINCT substr(sealed, 6, 16) FROM credentials ORDER BY 1" | tr '\n' ' '
}
# The id of the key in a key file, as docs/credentials.md defines it.
key_id() {
	python3 -c 'import hashlib, sys; k = bytes.fromhex(open(sys.argv[1]).read().strip());
print(hashlib.sha256(b"axon credential key" + k).hexdigest()[:16])' "$1"
}

echo "# add, list, types"
printf 'owner password 1\n' >"$IT_TMP/pw"
CTL_IN=$IT_TMP/pw ctl 0 "create the owner" user create boss --role owner
printf '{"token": "tok-SECRET-1", "allowed_origins": "http://127.0.0.1:%s"}\n' "$HTTP_PORT" >"$IT_TMP/api.json"
ctl 0 "add a bearer credential, its fields from a file" credentials add api --type bearer --fields "@$IT_TMP/api.json"
check_eq "$(stat -c %a "$KEY")" 600 "the key file was made, mode 0600"
check_eq "$(sql "SELECT substr(sealed, 1, 5) || type || ' ' || json_extract(fields, '\$.allowed_origins') FROM credentials")" \
	"axc1\$bearer http://127.0.0.1:$HTTP_PORT" "the database holds an envelope, the type and the plain fields"
check_eq "$(sql "SELECT count(*) FROM credentials WHERE sealed LIKE '%tok-SECRET%' OR fields LIKE '%tok-SECRET%'")" 0 \
	"... and not the token"
if grep -rqaF "tok-SECRET-1" "${DATA_FILES[@]}" 2>/dev/null; then it_fail "no page of the database file holds the token"; else
	it_pass "no page of the database file holds the token"; fi
ctl 65 "a credential without its secret field" credentials add other --type bearer --fields '{}'
check_file "$ERR" "bearer: the field 'token' is required" "... is refused, naming the field"
ctl 65 "a taken name" credentials add API --type bearer --fields '{"token": "x"}'
check_file "$ERR" "a credential named 'API' exists already" "... is refused"
ctl 65 "an unknown type" credentials add x --type carrier-pigeon --fields '{}'
check_file "$ERR" "there is no credential type 'carrier-pigeon'" "... is refused"
ctl 0 "credentials types" credentials types
check_file "$OUT" "basic          Basic authentication: username password (secret)" "... lists the fields, secret ones marked"

echo "# import of the old secrets_file"
printf '{"legacy": "leg-SECRET-2", "api": "clash"}\n' >"$IT_TMP/secrets.json"
ctl 0 "import" credentials import
check_file "$OUT" "imported 1, skipped 1" "... imports the new name and skips the taken one"
check_file "$ERR" "skipped 'api'" "... saying which"
ctl 0 "list --json" credentials list --json
check_eq "$(jq -r '.name + " " + .type + " " + .owner' "$OUT" | tr '\n' ',')" "api bearer boss,legacy bearer boss," \
	"... lists both, with type and owner"
lacks_file "$OUT" "SECRET" "... and never a value"
ctl 0 "verify" credentials verify
check_eq "$(cat "$OUT")" "$(printf 'ok      api\nok      legacy')" "... every credential opens"

echo "# rotate-key, killed at each step"
OLD=$(key_id "$KEY")
check_eq "$(sealed_kids)" "$OLD " "every credential is sealed under the first key"
for point in begun in-transaction committed; do
	AXON_TEST_CRASH_AT=$point ctl 137 "rotate-key killed at '$point'" credentials rotate-key
	ctl 0 "... every credential still opens" credentials verify
done
NEXT=$(key_id "$KEY.new")
check_eq "$(sealed_kids)" "$NEXT " "killed after its commit, the credentials are under the next key, kept in .new"
check_eq "$(key_id "$KEY")" "$OLD" "... while the key file still holds the old one"
ctl 0 "rotate-key again finishes it" credentials rotate-key
check_file "$OUT" "rewrapped 2 credentials under key $NEXT" "... under the key it had made"
check_eq "$(key_id "$KEY")" "$NEXT" "the key file holds the new key"
if [ -e "$KEY.new" ]; then it_fail "no .new key is left"; else it_pass "no .new key is left"; fi
check_eq "$(key_id "$KEY.$OLD")" "$OLD" "the old key is kept as credential.key.$OLD"
rm -f "$KEY.$OLD"
ctl 0 "without the old key, every credential opens" credentials verify
cp "$KEY" "$IT_TMP/key.bak"
printf '%064d\n' 0 >"$KEY"
ctl 65 "with another key file" credentials verify
check_file "$OUT" "FAILED  api: the credential is sealed under key $NEXT, which is neither in the credential key file" \
	"... each credential fails, naming the key it needs"
cp "$IT_TMP/key.bak" "$KEY"

echo "# a run by axonctl applies the credential; its output is masked"
cat >"$IT_TMP/wf.json" <<JSON
{"format": 1, "trigger": {"type": "manual"},
 "blocks": [{"id": "call", "type": "http.request",
             "config": {"url": "http://127.0.0.1:$HTTP_PORT/auth", "credential": "api"}}]}
JSON
ctl 0 "axonctl run of a workflow whose http.request names the credential" run "$IT_TMP/wf.json"
check_eq "$(jq -r '.steps[0].outputs.response.body' "$OUT")" "Bearer ****" \
	"the server received the token, and its echo comes back masked"
lacks_file "$OUT" "tok-SECRET-1" "the run's JSON holds no token"
check_eq "$(sql "SELECT count(*) FROM steps WHERE outputs LIKE '%tok-SECRET%' OR logs LIKE '%tok-SECRET%'")" 0 \
	"nor do its stored steps"
check_eq "$(curl -s "http://127.0.0.1:$HTTP_PORT/seen" | grep -c 'Bearer tok-SECRET-1')" 1 "the server did get it once"
check_eq "$(sql "SELECT CAST(last_used_at > 0 AS INTEGER) FROM credentials WHERE name = 'api'")" 1 "its last use is recorded"
check_eq "$(sql "SELECT count(*) FROM audit_log WHERE action = 'credential.use'")" 1 "... and audited"

echo "# an export names the credential only"
API_ID=$(sql "SELECT id FROM credentials WHERE name = 'api'")
jq -n --argjson d "$(jq --arg id "$API_ID" '.blocks[0].config.credential = $id' "$IT_TMP/wf.json")" \
	'{axon_workflow: 1, name: "Uses api", definition: $d}' >"$IT_TMP/uses.export.json"
ctl 0 "import a workflow naming the credential by its id" workflow import "$IT_TMP/uses.export.json"
ctl 0 "export it" workflow export "Uses api"
check_eq "$(jq -c '[.definition.blocks[0].config.credential, .credentials]' "$OUT")" '["api",[{"name":"api","type":"bearer"}]]' \
	"the export names the credential and lists its name and type"
lacks_file "$OUT" "tok-SECRET" "... and never its value"

if grep -q 'ERROR: \(Address\|Leak\|Undefined\)Sanitizer\|runtime error:' "$IT_TMP/ctl-all.stderr"; then
	it_fail "no sanitizer report" "$(grep -m3 'Sanitizer\|runtime error' "$IT_TMP/ctl-all.stderr")"
else
	it_pass "no sanitizer report"
fi
it_done
