#!/bin/bash
# OAuth 2.0 authorization code with PKCE against a real authorization server
# (oidc-provider, tests/standins/oidc), with a browser: oauth2-connect.js presses
# Connect in headless chromium and signs in at the provider; then a run
# through axond uses the account's access token on the protected resource,
# every token is revoked, and the next run's request, refused (401), is
# renewed with the refresh token and goes through; a revoked refresh token
# marks the credential "needs reconnecting" with the provider's message.
# shellcheck source=SCRIPTDIR/../integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
OIDC=$top_srcdir/tests/standins/oidc
command -v node >/dev/null || it_skip "node is not installed (./quickstart check installs it)"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || it_skip "chromium is not installed (./quickstart check installs it)"
[ -d "$top_srcdir/tests/e2e/node_modules/playwright-core" ] || it_skip "playwright-core is missing: cd tests/e2e && npm ci"
[ -d "$OIDC/node_modules/oidc-provider" ] || it_skip "oidc-provider is missing: cd tests/standins/oidc && npm ci"

it_start nginx "egress_allow_loopback = yes"
node "$OIDC/server.js" "$BASE_URL/credentials/oauth/callback" >"$IT_TMP/oidc-port" 2>"$IT_TMP/oidc.stderr" &
IT_PIDS+=($!)
for ((i = 0; i < 100; i++)); do [ -s "$IT_TMP/oidc-port" ] && break; sleep 0.1; done
AS=http://127.0.0.1:$(head -n 1 "$IT_TMP/oidc-port")
[ "$AS" != "http://127.0.0.1:" ] || it_skip "the authorization server did not start: $(head -c 300 "$IT_TMP/oidc.stderr")"

PASSWORD="oauth page pw"
it_setup_owner "$PASSWORD"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token oauth2
req POST /credentials "${API[@]}" -H 'Content-Type: application/json' --data "$(jq -n --arg base "$AS" '{name: "account",
	type: "oauth2_code", fields: {auth_url: ($base + "/auth"), token_url: ($base + "/token"), client_id: "axon-web",
	client_secret: "web-secret-1", scope: "openid offline_access", allowed_origins: $base}}')"
check_status 201 "an OAuth 2.0 account credential"
ID=$(jqb .id)

echo "# Connect, in the browser"
BASE_URL=$BASE_URL PASSWORD=$PASSWORD CREDENTIAL_URL=/credentials/$ID NODE_PATH=$top_srcdir/tests/e2e/node_modules \
	node "$top_srcdir/tests/e2e/oauth2-connect.js" >"$IT_TMP/browser.out" 2>&1
check_eq "$?" 0 "oauth2-connect.js: Connect, the provider's login and consent, back connected"
grep -E '^(ok|FAIL|    )' "$IT_TMP/browser.out"
req GET "/credentials/$ID" "${API[@]}"
check_json '.credential.fields.expires_at > 0' true "the credential holds the token's expiry"
check_eq "$(sql "SELECT count(*) FROM credentials WHERE json_extract(fields, '\$.access_token') IS NOT NULL
	OR json_extract(fields, '\$.refresh_token') IS NOT NULL")" 0 \
	"its tokens are sealed, not in plain"

echo "# the token in use, renewed with the refresh token"
it_create_workflow "Resource" "$(jq -n --arg base "$AS" '{format: 1, trigger: {type: "manual"},
	blocks: [{id: "call", type: "http.request", config: {url: ($base + "/resource"), credential: "account"}}]}')"
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={}'
check_json '.run.status + " " + (.run.steps[0].outputs.response.body // .run.steps[0].error)' 'succeeded {"client":"axon-web"}' \
	"a run reaches the resource with the account's token"
curl -s -X POST "$AS/revoke-all" >/dev/null
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={}'
check_json '.run.status + " " + (.run.steps[0].outputs.response.body // .run.steps[0].error)' 'succeeded {"client":"axon-web"}' \
	"after every access token was revoked, the next run renews it and goes through"

echo "# a refresh that fails: needs reconnecting"
curl -s -X POST "$AS/revoke-all?refresh=1" >/dev/null
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={}'
check_json '.run.status' failed "with the refresh token revoked too, the run fails"
check_json '.run.steps[0].error | test("needs reconnecting \\(press Connect on its page\\): credential .account.: its token endpoint answered 400")' \
	true "... saying the credential needs reconnecting, with the provider's answer"
req GET "/credentials/$ID" "${API[@]}"
check_json '.credential.fields.connection_error | test("token endpoint answered 400")' true "the credential records why"
it_done
