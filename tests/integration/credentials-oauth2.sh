#!/bin/bash
# OAuth 2.0 client credentials against a real authorization server that
# nobody here wrote (oidc-provider, tests/standins/oidc): axonctl runs a
# workflow whose first request gets a token and reaches the protected
# resource, whose second revokes every token, and whose third, refused (401)
# with the kept token, gets a fresh one and goes through; a wrong client
# secret fails with the server's own message.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
CTL=$top_builddir/axonctl
OIDC=$top_srcdir/tests/standins/oidc
[ -x "$CTL" ] || it_skip "$CTL is not built"
command -v node >/dev/null || it_skip "node is not installed"
[ -d "$OIDC/node_modules/oidc-provider" ] || it_skip "oidc-provider is not installed (npm ci in tests/standins/oidc)"

node "$OIDC/server.js" >"$IT_TMP/oidc-port" 2>"$IT_TMP/oidc.stderr" &
IT_PIDS+=($!)
for ((i = 0; i < 100; i++)); do [ -s "$IT_TMP/oidc-port" ] && break; sleep 0.1; done
PORT=$(head -n 1 "$IT_TMP/oidc-port")
[ -n "$PORT" ] || it_skip "the authorization server did not start: $(head -c 300 "$IT_TMP/oidc.stderr")"
AS=http://127.0.0.1:$PORT

it_write_config "unix:$IT_TMP/axond.sock" "egress_allow_loopback = yes"
mkdir -p "$IT_TMP/data"

printf 'owner password 1\n' >"$IT_TMP/pw"
CTL_IN=$IT_TMP/pw ctl 0 "create the owner" user create boss --role owner
jq -n --arg t "$AS/token" --arg o "$AS" '{token_url: $t, client_id: "axon-machine", client_secret: "machine-secret-1",
	allowed_origins: $o}' >"$IT_TMP/machine.json"
ctl 0 "an OAuth 2.0 client credential" credentials add machine --type oauth2_client --fields "@$IT_TMP/machine.json"
jq -n --arg t "$AS/token" --arg o "$AS" '{token_url: $t, client_id: "axon-machine", client_secret: "not-the-secret",
	allowed_origins: $o}' >"$IT_TMP/wrong.json"
ctl 0 "... and one with a wrong secret" credentials add wrong --type oauth2_client --fields "@$IT_TMP/wrong.json"

jq -n --arg base "$AS" '{format: 1, trigger: {type: "manual"}, blocks: [
	{id: "first", type: "http.request", config: {url: ($base + "/resource"), credential: "machine"}},
	{id: "revoke", type: "http.request", config: {url: ($base + "/revoke-all"), method: "POST"}},
	{id: "again", type: "http.request", config: {url: ($base + "/resource"), credential: "machine"}}],
  edges: [{from: "first.response", to: "revoke.body"}, {from: "revoke.response", to: "again.body"}]}' >"$IT_TMP/wf.json"
ctl 0 "a run: token, resource, revoke, resource again" run "$IT_TMP/wf.json"
check_eq "$(jq -r '[.steps[] | .block + ":" + (.outputs.response.status | tostring)] | join(" ")' "$OUT")" \
	"first:200 revoke:204 again:200" "the resource answered both times"
check_eq "$(jq -r '.steps[] | select(.block == "again") | .outputs.response.body' "$OUT")" '{"client":"axon-machine"}' \
	"... to the client's token"
check_eq "$(curl -s "$AS/issued")" 2 "the refused token was replaced by a fresh one, once"

jq -n --arg base "$AS" '{format: 1, trigger: {type: "manual"}, blocks: [
	{id: "call", type: "http.request", config: {url: ($base + "/resource"), credential: "wrong"}}]}' >"$IT_TMP/wrong-wf.json"
ctl 1 "a run with a wrong client secret fails" run "$IT_TMP/wrong-wf.json"
check_eq "$(jq -r '.steps[0].error' "$OUT")" \
	"credential 'wrong': its token endpoint answered 401: client authentication failed" \
	"... with the authorization server's message"
it_done
