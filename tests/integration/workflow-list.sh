#!/bin/bash
# The workflows list through real nginx: each row's trigger, its active
# switch, its last run and a problems badge; the switch really stops a
# webhook and a schedule (and a workflow switched on again does not catch up
# the ticks it slept through), in HTML and JSON; names are unique whatever
# their case, so a name in use is refused on create, save and restore.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start nginx
it_setup_owner "list test pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token lists
HTML_JAR=$IT_TMP/owner.jar
JAR=

SET='"blocks": [{"id": "a", "type": "json.set", "config": {"set": {"x": 1}}}]'

it_create_workflow "Plain" "{\"format\": 1, \"trigger\": {\"type\": \"manual\"}, $SET}"
PLAIN=$WF
it_create_workflow "Hooked" "{\"format\": 1, \"trigger\": {\"type\": \"webhook\"}, $SET}"
HOOKED=$WF
it_create_workflow "Ticker" "{\"format\": 1, \"trigger\": {\"type\": \"schedule\", \"cron\": \"0 * * * *\"}, $SET}"
TICKER=$WF
it_create_workflow "Ticker on" "{\"format\": 1, \"trigger\": {\"type\": \"schedule\", \"cron\": \"0 * * * *\"}, $SET}"
TICKER_ON=$WF
it_create_workflow "Broken" '{"format": 1, "trigger": {"type": "manual"}, "blocks": [{"id": "a", "type": "no.such"}, {"id": "b", "type": "no.other"}]}'
BROKEN=$WF
req POST "/workflows/$PLAIN/run?wait=30" "${API[@]}" --data 'input={}'
PLAIN_RUN=$(jqb .run.id)

echo "# the list"
req GET /workflows "${API[@]}"
row() { # ID FILTER: a jq filter on the row of workflow ID
	jqb ".workflows[] | select(.id == $1) | $2"
}
check_eq "$(row "$PLAIN" .trigger) $(row "$HOOKED" .trigger) $(row "$TICKER" .trigger)" "manual webhook schedule" \
	"each row has its trigger type"
check_eq "$(row "$PLAIN" .active)" true "a new workflow is active"
check_eq "$(row "$PLAIN" '"\(.last_run.id) \(.last_run.status) \(.last_run.url)"')" "$PLAIN_RUN succeeded /runs/$PLAIN_RUN" \
	"... its last run, with its status"
check_eq "$(row "$HOOKED" .last_run)" null "... none for one never run"
check_eq "$(row "$BROKEN" .problems) $(row "$PLAIN" .problems)" "2 0" "... and the number of its problems"
JAR=$HTML_JAR req GET /workflows
check_body_contains '<span>2</span> problems</a>' "the page shows a problems badge"
check_body_contains "action=\"/workflows/$HOOKED/active\"" "... an active switch per row"
check_body_contains "<a href=\"/runs/$PLAIN_RUN\"><span class=\"status status-succeeded\">succeeded</span></a>" "... the last run"
check_body_contains '<td>webhook</td>' "... the trigger"
CSRF_HTML=$(csrf_from_body)

echo "# the switch"
req POST "/workflows/$HOOKED/webhook" "${API[@]}" --data action=create
HOOK=$(jqb .path)
req POST "$HOOK" -H 'Content-Type: application/json' --data '{}'
check_status 202 "an active workflow's webhook starts a run"
JAR=$HTML_JAR req POST "/workflows/$HOOKED/active" --data-urlencode "csrf=$CSRF_HTML" --data active=0
check_status 303 "switch it off from the list"
check_eq "$(header Location)" /workflows "... back to the list"
runs_before=$(sql "SELECT count(*) FROM runs WHERE workflow_id = $HOOKED")
req POST "$HOOK" -H 'Content-Type: application/json' --data '{}'
check_status 404 "an inactive workflow's webhook starts nothing"
check_body_contains 'switched off' "... and says why"
check_eq "$(sql "SELECT count(*) FROM runs WHERE workflow_id = $HOOKED")" "$runs_before" "... no run"
check_eq "$(sql "SELECT status FROM deliveries WHERE workflow_id = $HOOKED ORDER BY id DESC LIMIT 1")" 404 \
	"... the delivery is logged as refused"
req GET /workflows "${API[@]}"
check_eq "$(row "$HOOKED" .active)" false "the list shows it off"
req POST "/workflows/$HOOKED/run?wait=30" "${API[@]}" --data 'input={}'
check_json .run.status succeeded "a run by hand still works"
req POST "/workflows/$HOOKED/active" "${API[@]}" --data active=maybe
check_status 400 "active=maybe is refused"
req POST "/workflows/$HOOKED/active" "${API[@]}" --data active=1
check_json '"\(.workflow.id) \(.workflow.active)"' "$HOOKED true" "switch it on (JSON)"
req POST "$HOOK" -H 'Content-Type: application/json' --data '{}'
check_status 202 "... and its webhook fires again"
check_eq "$(sql "SELECT action FROM audit_log WHERE action LIKE 'workflow.%activate' ORDER BY id")" \
	"$(printf 'workflow.deactivate\nworkflow.activate')" "both switches are in the audit log"

echo "# a schedule does not fire while off, nor catches up after"
it_wait_sql "SELECT count(*) FROM schedule_ticks WHERE workflow_id IN ($TICKER, $TICKER_ON)" 2
req POST "/workflows/$TICKER/active" "${API[@]}" --data active=0
# Both as if axond had been down for a day: the active one catches up once.
sql "DELETE FROM schedule_ticks WHERE workflow_id IN ($TICKER, $TICKER_ON);
	INSERT INTO schedule_ticks (workflow_id, last_fire) VALUES ($TICKER, strftime('%s','now') - 86400),
	($TICKER_ON, strftime('%s','now') - 86400)" >/dev/null
it_wait_sql "SELECT count(*) FROM runs WHERE workflow_id = $TICKER_ON" 1 || it_fail "the active schedule fires"
sleep 2
check_eq "$(sql "SELECT count(*) FROM runs WHERE workflow_id = $TICKER")" 0 "the inactive schedule does not fire"
req POST "/workflows/$TICKER/active" "${API[@]}" --data active=1
it_wait_sql "SELECT count(*) FROM schedule_ticks WHERE workflow_id = $TICKER AND last_fire > strftime('%s','now') - 60" 1 \
	|| it_fail "switched on, the schedule counts from then"
sleep 2
check_eq "$(sql "SELECT count(*) FROM runs WHERE workflow_id = $TICKER")" 0 "... and does not catch up the ticks it slept through"

echo "# the workflow page"
JAR=$HTML_JAR req GET "/workflows/$TICKER"
check_body_contains "action=\"/workflows/$TICKER/active\"" "the workflow page has the switch"
JAR=$HTML_JAR req POST "/workflows/$TICKER/active" --data-urlencode "csrf=$CSRF_HTML" --data active=0 \
	--data-urlencode "next=/workflows/$TICKER"
check_eq "$STATUS $(header Location)" "303 /workflows/$TICKER" "... and comes back to it"
JAR=$HTML_JAR req POST "/workflows/$TICKER/active" --data-urlencode "csrf=$CSRF_HTML" --data active=1 \
	--data-urlencode "next=//elsewhere.example"
check_eq "$(header Location)" /workflows "... never to another site"

echo "# unique names"
req POST /workflows "${API[@]}" --data-urlencode 'name=plain'
check_status 409 "a new workflow named like another (in another case) is refused"
check_json .error.fields.name 'a workflow named "plain" exists already (names are unique, whatever their case): choose another name' \
	"... saying why"
JAR=$HTML_JAR req POST /workflows --data-urlencode "csrf=$CSRF_HTML" --data-urlencode 'name=PLAIN' \
	--data-urlencode 'description=kept as typed'
check_status 409 "... in the form too"
check_body_contains 'kept as typed' "... which keeps what was typed"
req POST "/workflows/$HOOKED" "${API[@]}" --data-urlencode 'name=Ticker' --data-urlencode 'definition={}'
check_status 409 "saving under another workflow's name is refused"
req POST "/workflows/$HOOKED" "${API[@]}" --data-urlencode 'name=Renamed hook'
check_status 200 "a rename to a free name"
req POST "/workflows/$PLAIN" "${API[@]}" --data-urlencode 'name=Hooked'
check_status 200 "... frees the old name for another"
req POST "/workflows/$HOOKED/versions/1/restore" "${API[@]}"
check_status 409 "restoring a version whose name another took is refused"
check_json .error.message 'a workflow named "Hooked" exists already (names are unique, whatever their case): choose another name' \
	"... saying why"
it_done
