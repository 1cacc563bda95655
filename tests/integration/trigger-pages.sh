#!/bin/bash
# What the pages say of triggers, through real nginx: a schedule's cron
# expression, time zone and next three fire times; the webhook page's full
# address with a curl example, and a signing example when the address has a
# secret. The examples are run as shown, and the deliveries they make count.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
command -v openssl >/dev/null || it_skip "openssl is not installed (./quickstart check installs it)"
it_start nginx
it_setup_owner "trigger pages pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token triggers
HTML_JAR=$IT_TMP/owner.jar
JAR=

SET='"blocks": [{"id": "a", "type": "json.set", "config": {"set": {"who": "{{ trigger.body.name }}"}}}]'

echo "# a schedule"
it_create_workflow "Morning" "{\"format\": 1, \"trigger\": {\"type\": \"schedule\", \"cron\": \"0 9 * * *\", \"timezone\": \"Europe/Paris\"}, $SET}"
now=$(date +%s)
req GET "/workflows/$WF" "${API[@]}"
check_json '"\(.schedule.cron) \(.schedule.timezone)"' "0 9 * * * Europe/Paris" "the page has the cron expression and time zone"
check_json '.schedule.next | length' 3 "... and the next three fire times"
check_json '[.schedule.next[].local | endswith(" 09:00")] | all' true "... at 9:00 on the zone's clock"
check_json '[.schedule.next[].utc | test(" 0[78]:00$")] | all' true "... which is 7:00 or 8:00 UTC"
check_json "(.schedule.next[0].at > $now) and (.schedule.next[0].at - $now <= 86400)" true "... the first within a day"
check_json '[.schedule.next[].at] | (.[1] - .[0] == 86400 and .[2] - .[1] == 86400)' true "... one a day"
JAR=$HTML_JAR req GET "/workflows/$WF"
check_body_contains '<dt>Cron</dt><dd><code>0 9 * * *</code></dd>' "the HTML page shows them"
check_eq "$(grep -o '<li><time>[0-9-]* 09:00</time>' "$BODY" | wc -l)" 3 "... three times"
it_create_workflow "Hourly UTC" "{\"format\": 1, \"trigger\": {\"type\": \"schedule\", \"cron\": \"@hourly\"}, $SET}"
req GET "/workflows/$WF" "${API[@]}"
check_json '"\(.schedule.timezone) \([.schedule.next[] | .local == .utc] | all)"' "UTC true" "no time zone is UTC"
it_create_workflow "Never" "{\"format\": 1, \"trigger\": {\"type\": \"schedule\", \"cron\": \"0 0 30 2 *\"}, $SET}"
req GET "/workflows/$WF" "${API[@]}"
check_json .schedule.error "it never fires (no such date)" "a schedule that never fires says so"
it_create_workflow "Manual" "{\"format\": 1, \"trigger\": {\"type\": \"manual\"}, $SET}"
req GET "/workflows/$WF" "${API[@]}"
check_json .schedule null "a manual workflow has no schedule"

echo "# a webhook"
it_create_workflow "Hooked" "{\"format\": 1, \"trigger\": {\"type\": \"webhook\"}, $SET}"
HOOKED=$WF
req POST "/workflows/$HOOKED/webhook" "${API[@]}" --data action=create
TOKEN_PATH=$(jqb .path)
check_json .url "$BASE_URL$TOKEN_PATH" "a new address comes with its full URL"
req GET "/workflows/$HOOKED/webhook" "${API[@]}"
check_json .hook.url "$BASE_URL$TOKEN_PATH" "the webhook page has the full URL, from the request's scheme and host"
check_json .hook.signed_curl null "... no signing example for an unsigned address"
jqb .hook.curl >"$IT_TMP/curl.sh"
runs_before=$(sql "SELECT count(*) FROM runs WHERE workflow_id = $HOOKED")
bash "$IT_TMP/curl.sh" >"$IT_TMP/curl.out" 2>"$IT_TMP/curl.err"
check_eq "$(jq -r '.run.id | type' "$IT_TMP/curl.out" 2>&1)" number "the curl example, run as shown, delivers"
it_wait_sql "SELECT count(*) FROM runs WHERE workflow_id = $HOOKED" $((runs_before + 1)) || it_fail "... and starts a run"
JAR=$HTML_JAR req GET "/workflows/$HOOKED/webhook"
check_body_contains "<pre class=\"code copyable\" id=\"hook-url\">$BASE_URL$TOKEN_PATH</pre>" "the page shows the full URL"
check_body_contains '<pre class="code copyable" id="hook-curl">curl -X POST' "... and the curl example"
req GET "/workflows/$HOOKED/webhook" "${API[@]}" -H 'Host: evil*host'
check_json .hook.url "$BASE_URL$TOKEN_PATH" "a Host header that is no host name gives way to the address the request came in on"

echo "# a signed webhook"
it_create_workflow "Signed" "{\"format\": 1, \"trigger\": {\"type\": \"webhook\", \"signed\": true}, $SET}"
SIGNED=$WF
req POST "/workflows/$SIGNED/webhook" "${API[@]}" --data action=sign
jqb .signed_curl >"$IT_TMP/signed.sh"
check_eq "$(grep -c "^SECRET='$(jqb .secret)'$" "$IT_TMP/signed.sh")" 1 "the new address's signing example holds its secret"
bash "$IT_TMP/signed.sh" >"$IT_TMP/signed.out" 2>"$IT_TMP/curl.err"
check_eq "$(jq -r '.run.id | type' "$IT_TMP/signed.out" 2>&1)" number "the signing example, run as shown, is accepted"
it_wait_sql "SELECT count(*) FROM runs WHERE workflow_id = $SIGNED" 1 || it_fail "... and starts a run"
req GET "/workflows/$SIGNED/webhook" "${API[@]}"
check_eq "$(jqb .hook.signed_curl | head -n 1)" "SECRET='the signing secret, shown once when the address was made'" \
	"the webhook page's signing example asks for the secret"
sed -e "s/^SECRET=.*/SECRET=wrong/" "$IT_TMP/signed.sh" >"$IT_TMP/wrong.sh"
bash "$IT_TMP/wrong.sh" >"$IT_TMP/wrong.out" 2>"$IT_TMP/curl.err"
check_eq "$(jq -r .error.status "$IT_TMP/wrong.out" 2>&1)" 401 "... and with a wrong secret it is refused (the example really signs)"
echo "# the address behind another proxy, or as axon.conf says"
req GET "/workflows/$HOOKED/webhook" "${API[@]}" -H 'X-Forwarded-Host: axon.example.org' -H 'X-Forwarded-Proto: https'
check_json .hook.url "$BASE_URL$TOKEN_PATH" "X-Forwarded-* from an address that is not a trusted proxy is ignored"
# restart_with LINE: axond again, with one more line in axon.conf.
restart_with() {
	it_stop_axond
	echo "$1" >>"$IT_TMP/axon.conf"
	rm -f "$IT_TMP/axond.sock"
	it_start_axond || exit 1
	it_wait_healthz || exit 1
}
restart_with "trusted_proxies = 127.0.0.1 ::1"
req GET "/workflows/$HOOKED/webhook" "${API[@]}" -H 'X-Forwarded-Host: axon.example.org, inner.local' -H 'X-Forwarded-Proto: https'
check_json .hook.url "https://axon.example.org$TOKEN_PATH" "... and believed from a trusted proxy (the first host it names)"
req GET "/workflows/$HOOKED/webhook" "${API[@]}" -H 'X-Forwarded-Host: evil*host'
check_json .hook.url "$BASE_URL$TOKEN_PATH" "... unless it is no host name"
restart_with "public_url = https://example.org/axon/"
req GET "/workflows/$HOOKED/webhook" "${API[@]}" -H 'X-Forwarded-Host: axon.example.org'
check_json .hook.url "https://example.org/axon$TOKEN_PATH" "public_url in axon.conf comes first"
it_done
