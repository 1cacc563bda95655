#!/bin/bash
# The Run form of a workflow's page through real nginx: bad input comes back
# as typed, with the line and column where the JSON goes wrong (HTML), or as a
# 400 naming them (JSON); a webhook workflow's form says that the input is what
# the trigger receives and starts with that shape, which a run then sees as
# {{ trigger }}.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start nginx
it_setup_owner "run form pw"
check_eq "$?" 0 "first-run setup signs the owner in"
JSON=(-H 'Accept: application/json')

# create NAME DEFINITION-JSON: a workflow; sets WF.
create() {
	req POST /workflows "${JSON[@]}" --data-urlencode "csrf=$CSRF" --data-urlencode "name=$1" \
		--data-urlencode "definition=$2"
	WF=$(jqb .workflow.id)
}

echo "# bad input keeps what was typed"
create "Manual" '{"format": 1, "trigger": {"type": "manual"}, "blocks": [{"id": "a", "type": "json.set", "config": {"set": {"x": "{{ trigger.x }}"}}}]}'
MANUAL=$WF
req GET "/workflows/$MANUAL"
check_body_contains 's {{ trigger }}.' "a manual workflow's form says what the input is"
typed=$'{\n  "x": 1,\n  "y": oops\n}'
runs_before=$(sql "SELECT count(*) FROM runs")
req POST "/workflows/$MANUAL/run" --data-urlencode "csrf=$CSRF" --data-urlencode "input=$typed"
check_status 400 "input that is not JSON"
check_body_contains '(line 3, column' "... says on which line and column"
check_body_contains '&quot;y&quot;: oops' "... and shows what was typed"
check_body_contains 'class="code invalid"' "... marking the field"
check_body_contains 'The input is not JSON' "... with the message"
check_eq "$(sql "SELECT count(*) FROM runs")" "$runs_before" "... and starts nothing"
req POST "/workflows/$MANUAL/run" "${JSON[@]}" --data-urlencode "csrf=$CSRF" --data-urlencode "input=$typed"
check_status 400 "the JSON twin"
check_json .error.fields.input "$(jqb .error.message)" "... names the field"
case $(jqb .error.message) in
*"(line 3, column "*) it_pass "... with the line and column" ;;
*) it_fail "... with the line and column" "$(it_answer)" ;;
esac

echo "# a webhook workflow's manual run"
create "Hooked" '{"format": 1, "trigger": {"type": "webhook"}, "blocks": [{"id": "a", "type": "json.set", "config": {"set": {"who": "{{ trigger.body.name }}", "q": "{{ trigger.query.n }}"}}}]}'
HOOKED=$WF
req GET "/workflows/$HOOKED" "${JSON[@]}"
check_json '.run_input | fromjson | keys | join(",")' "body,headers,method,query" "the form starts with a delivery's shape"
case $(jqb .run_hint) in
*"what the webhook trigger receives"*"body"*"query and headers"*) it_pass "... and says the input is what the trigger receives" ;;
*) it_fail "... and says the input is what the trigger receives" "$(jqb .run_hint)" ;;
esac
req GET "/workflows/$HOOKED"
check_body_contains '&quot;body&quot;: {}' "the page pre-fills it"
req POST "/workflows/$HOOKED/run?wait=30" "${JSON[@]}" --data-urlencode "csrf=$CSRF" \
	--data-urlencode 'input={"method": "POST", "body": {"name": "Ada"}, "query": {"n": "2"}, "headers": {}}'
check_json .run.status succeeded "a manual run with that shape"
check_json '.run.steps[0].outputs.out | "\(.who) \(.q)"' "Ada 2" "... is seen as the trigger's body and query"
it_done
