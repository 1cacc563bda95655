#!/bin/bash
# Rate limits through nginx: an API token's own limit, a user's API limit
# that leaves other users alone, runs started per user, deliveries per
# webhook; each refusal a 429 with Retry-After and a sentence. A flood on
# one webhook does not keep another workflow's runs from being taken and
# finished (completions counted; no timing but generous bounds).
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init

JSON=(-H 'Accept: application/json')
PW='limits password'
it_start nginx "rate_api_per_user = 60" "rate_runs_per_user = 5" "rate_webhook_per_hook = 20"
it_setup_owner "$PW" || { it_fail "setup" "$(it_answer)"; it_done; }
it_api_token scripts || { it_fail "an API token" "$(it_answer)"; it_done; }

## A token's own limit
req POST /tokens -H "X-CSRF-Token: $CSRF" "${JSON[@]}" --data-urlencode name=slow --data rate_per_minute=3
SLOW=$(jqb .token)
req POST /tokens -H "X-CSRF-Token: $CSRF" "${JSON[@]}" --data-urlencode name=bad --data rate_per_minute=lots
check_status 400 "a rate limit that is not a number is refused"
check_json '.error.fields.rate_per_minute | test("whole number")' true "  and says what it should be"
statuses=""
for _ in 1 2 3 4; do
	req GET /workflows -H "Authorization: Bearer $SLOW" "${JSON[@]}"
	statuses="$statuses $STATUS"
done
check_eq "$statuses" " 200 200 200 429" "a token limited to 3 a minute gets its fourth request refused"
check_header Retry-After '^[0-9]+$' "  with Retry-After"
check_json '.error.message | test("at most 3 API requests a minute with this token")' true "  and a sentence naming the limit"
req GET /tokens "${API[@]}"
check_json '[.tokens[] | select(.name == "slow") | .rate_per_minute][0]' 3 "the token list shows its limit"

## A user's limit leaves the others alone
req POST /users "${API[@]}" --data-urlencode username=bob --data-urlencode "password=$PW" --data role=editor
JAR=$IT_TMP/bob.jar
req GET /login
req POST /login --data-urlencode "csrf=$(csrf_from_body)" --data-urlencode username=bob --data-urlencode "password=$PW"
statuses=""
for _ in $(seq 1 70); do
	req GET /account "${JSON[@]}"
	statuses="$statuses$STATUS "
	[ "$STATUS" = 429 ] && [ ! -e "$IT_TMP/bob-429" ] && cp "$BODY" "$IT_TMP/bob-429"
done
first=$(echo "$statuses" | cut -d' ' -f1-60 | tr ' ' '\n' | sort -u | tr '\n' ' ')
check_eq "$first" "200 " "bob's first 60 API requests in a minute are answered"
check_eq "$(echo "$statuses" | cut -d' ' -f61-70 | grep -c 429)" 1 "  some past them are refused ($statuses)"
check_eq "$(jq -r '.error.message | test("for your user")' "$IT_TMP/bob-429" 2>&1)" true "  the sentence says whose limit"
req GET /account
check_status 200 "  his pages (not the JSON API) still open"
JAR=$IT_TMP/owner.jar
req GET /workflows "${API[@]}"
check_status 200 "the owner's requests are not bob's"

## Runs started per user
it_create_workflow "By hand" '{"format": 1, "trigger": {"type": "manual"}, "blocks": [{"id": "a", "type": "json.set", "config": {}}]}'
statuses=""
for _ in 1 2 3 4 5 6; do
	req POST "/workflows/$WF/run" "${API[@]}"
	statuses="$statuses $STATUS"
done
check_eq "$statuses" " 201 201 201 201 201 429" "five runs a minute by hand, the sixth refused"
check_json '.error.message | test("runs started a minute")' true "  with a sentence naming the limit"
check_eq "$(sql "SELECT count(*) FROM runs WHERE workflow_id = $WF")" 5 "  and no run made for it"

## A flood on one webhook
it_webhook_workflow "Flooded" '{"format": 1, "trigger": {"type": "webhook"},
  "blocks": [{"id": "a", "type": "json.set", "config": {"set": {"n": "{{ trigger.body.n }}"}}}]}' >"$IT_TMP/hook"
FLOODED=$WF
FLOOD_HOOK=$(cat "$IT_TMP/hook")
it_webhook_workflow "Other" '{"format": 1, "trigger": {"type": "webhook"},
  "blocks": [{"id": "a", "type": "json.set", "config": {"set": {"n": "{{ trigger.body.n }}"}}},
             {"id": "b", "type": "text.template", "config": {"template": "ok {{ a.out.n }}"}}],
  "edges": [{"from": "a.out", "to": "b.in"}]}' >"$IT_TMP/hook"
OTHER=$WF
OTHER_HOOK=$(cat "$IT_TMP/hook")
seq 1 300 | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST "$BASE_URL$FLOOD_HOOK" \
	-H 'Content-Type: application/json' --data '{"n": {}}' >"$IT_TMP/flood-statuses" &
flood=$!
other_statuses=""
for n in $(seq 1 10); do
	req POST "$OTHER_HOOK" -H 'Content-Type: application/json' --data "{\"n\": $n}"
	other_statuses="$other_statuses$STATUS "
done
wait "$flood"
# Right after the flood the hook still refuses (a token comes back every 3 s,
# so one of a few tries at most may be taken).
for _ in 1 2 3 4 5; do
	req POST "$FLOOD_HOOK" -H 'Content-Type: application/json' --data '{"n": 0}'
	[ "$STATUS" = 429 ] && break
	echo "$STATUS" >>"$IT_TMP/late-statuses"
done
check_status 429 "the flooded hook still refuses"
check_header Retry-After '^[0-9]+$' "  with Retry-After"
check_body_contains 'deliveries a minute to this webhook' "  and a sentence naming the limit"
late=$(grep -c '^202$' "$IT_TMP/late-statuses" 2>/dev/null)
accepted=$(grep -c '^202$' "$IT_TMP/flood-statuses")
check_eq "$(grep -c '^429$' "$IT_TMP/flood-statuses")" $((300 - accepted)) "the flood's deliveries are taken or refused with 429"
check_eq "$([ "$accepted" -ge 20 ] && [ "$accepted" -le 30 ] && echo yes)" yes \
	"  about 20 a minute are taken ($accepted)"
check_eq "$other_statuses" "202 202 202 202 202 202 202 202 202 202 " "the other webhook takes every delivery meanwhile"
it_wait_sql "SELECT count(*) FROM runs WHERE workflow_id = $OTHER AND status = 'succeeded'" 10 ||
	it_fail "the other workflow's runs all finish" "$(sql "SELECT status, count(*) FROM runs GROUP BY status")"
check_eq "$(sql "SELECT count(*) FROM runs r WHERE workflow_id = $OTHER AND (SELECT count(*) FROM steps s WHERE s.run_id = r.id AND s.status = 'ok') = 2")" \
	10 "  every one of its ten runs, with its two steps"
it_wait_sql "SELECT count(*) FROM runs WHERE workflow_id = $FLOODED AND status = 'succeeded'" $((accepted + ${late:-0})) ||
	it_fail "the flood's accepted runs finish too"
check_eq "$(sql "SELECT count(*) FROM deliveries WHERE workflow_id = $FLOODED")" $((accepted + ${late:-0})) \
	"refused deliveries cost no row"

# /metrics counts the refusals by limit (read from loopback, which metrics_allow lets in).
req GET /metrics
check_status 200 "/metrics"
check_eq "$(sed -n 's/^axon_rate_limited_total{limit="webhook"} //p' "$BODY")" $((300 - accepted + 1)) \
	"  counts every refused delivery"
check_eq "$(sed -n 's/^axon_rate_limited_total{limit="runs"} //p' "$BODY")" 1 "  and the refused run"
check_eq "$(sed -n 's/^axon_rate_limited_total{limit="api_token"} //p' "$BODY")" 1 "  and the token's refused request"
it_done
