#!/bin/bash
# A run's page through real nginx: a skipped step says "skipped" and which
# silent port it hangs off (not "Started: not yet"); a run's duration is its
# working time, with the time it waited for retries told apart, in the page
# and in its JSON twin.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start nginx
it_setup_owner "run page pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token runpage
JAR=


echo "# a skipped step"
it_create_workflow "Branch" '{"format": 1, "trigger": {"type": "manual"},
  "blocks": [{"id": "check", "type": "flow.if", "config": {"path": "n", "op": "gt", "value": 10}},
    {"id": "big", "type": "json.set", "config": {"set": {"size": "big"}}},
    {"id": "after", "type": "json.set", "config": {"set": {"done": true}}},
    {"id": "small", "type": "json.set", "config": {"set": {"size": "small"}}}],
  "edges": [{"from": "check.true", "to": "big.in"}, {"from": "big.out", "to": "after.in"}, {"from": "check.false", "to": "small.in"}]}'
req POST "/workflows/$WF/run?wait=30" "${API[@]}" -H 'Content-Type: application/json' --data '{"input": {"n": 3}}'
check_json .run.status succeeded "a run with a branch not taken"
RUN=$(jqb .run.id)
req GET "/runs/$RUN" "${API[@]}"
check_json '.run.steps[] | select(.block == "big") | "\(.status) \(.skipped)"' "skipped true" "the step off the silent port is skipped"
check_json '.run.steps[] | select(.block == "big") | .skipped_because' "nothing reached its inputs: check.true was silent" \
	"... and says which port was silent"
check_json '.run.steps[] | select(.block == "after") | .skipped_because' "nothing reached its inputs: big was skipped" \
	"... and what follows says it"
check_json '.run.steps[] | select(.block == "big") | .error' null "... which is no error"
JAR=$IT_TMP/owner.jar req GET "/runs/$RUN"
check_body_contains '<dt>Skipped</dt><dd class="skip-reason">nothing reached its inputs: check.true was silent</dd>' \
	"the page says skipped and why"
check_eq "$(grep -c 'not yet' "$BODY")" 0 "... and no step says 'not yet'"

echo "# waiting for retries"
# Loopback is outside the egress policy: each attempt fails at once.
it_create_workflow "Retried" '{"format": 1, "trigger": {"type": "manual"},
  "blocks": [{"id": "fetch", "type": "http.request", "config": {"url": "http://127.0.0.1:9/"},
    "settings": {"retries": 1, "retry_delay_ms": 1600}}]}'
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={}'
check_json .run.status failed "a run whose step failed twice"
RUN=$(jqb .run.id)
req GET "/runs/$RUN" "${API[@]}"
check_json '.run.waited_ms >= 800' true "the run waited for the retry (800 to 1600 ms)"
check_json '.run.duration_ms < 800' true "... its duration is its working time"
check_json '.run.duration_ms + .run.waited_ms == .run.elapsed_ms' true "... working plus waiting is the time from start to end"
check_json '.run.steps[0].waited_ms >= 800 and .run.steps[0].waited_ms <= .run.waited_ms' true \
	"the step waited for its retry too"
check_json '.run.waited | test("^[0-9.]+ (ms|s) waiting for retries$")' true "... told in words"
JAR=$IT_TMP/owner.jar req GET "/runs/$RUN"
check_body_contains 'waiting for retries</span>)' "the page shows the waiting apart"
it_done
