#!/bin/bash
# The run history through real nginx: the list with its filters (and the 400s
# of bad ones) and pages, one run with its steps, a big output cut on the page
# and whole at its own address, retry from the failed step, dead letters and
# their retry, cancel (of a running run, and the 409s), the viewer's view, and
# the JSON twin of each page.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
# A local HTTP server whose /slow answers after 3 s: a run to cancel while it runs.
it_start_http_server || it_skip "the test HTTP server did not start (python3 missing?)"

it_start nginx "egress_allow_loopback = yes"

JSON=(-H 'Accept: application/json')
it_setup_owner "runs test pw"
check_eq "$?" 0 "first-run setup signs the owner in"

# create NAME DEFINITION-JSON: a workflow; sets WF.
create() {
	req POST /workflows "${JSON[@]}" --data-urlencode "csrf=$CSRF" --data-urlencode "name=$1" \
		--data-urlencode "definition=$2"
	WF=$(jqb .workflow.id)
}

# start WF: a manual run; sets RUN.
start() {
	req POST "/workflows/$1/run" "${JSON[@]}" --data-urlencode "csrf=$CSRF"
	RUN=$(jqb .run.id)
}

# wait_run ID STATUS: fails the test when the run does not reach STATUS.
wait_run() {
	it_wait_run "$1" "$2" || it_fail "run $1 becomes $2" "it is $(sql "SELECT status FROM runs WHERE id = $1")"
}

MANUAL='"format": 1, "trigger": {"type": "manual"}'
create "Simple <b>" "{$MANUAL, \"blocks\": [{\"id\": \"a\", \"type\": \"json.set\", \"config\": {\"set\": {\"x\": 1}}}]}"
SIMPLE=$WF
BIG_TEXT=$(head -c 6000 /dev/zero | tr '\0' y)
create "Big" "{$MANUAL, \"blocks\": [{\"id\": \"big\", \"type\": \"json.set\", \"config\": {\"set\": {\"big\": \"$BIG_TEXT\"}}}]}"
BIG=$WF
create "Failing" "{$MANUAL, \"blocks\": [{\"id\": \"t\", \"type\": \"text.template\", \"config\": {\"template\": \"{{ trigger.missing }}\"}},
  {\"id\": \"u\", \"type\": \"json.set\", \"config\": {}}], \"edges\": [{\"from\": \"t.text\", \"to\": \"u.in\"}]}"
FAILING=$WF
create "Slow" "{$MANUAL, \"blocks\": [{\"id\": \"wait\", \"type\": \"http.request\", \"config\": {\"url\": \"http://127.0.0.1:$HTTP_PORT/slow\"}},
  {\"id\": \"after\", \"type\": \"json.set\", \"config\": {}}], \"edges\": [{\"from\": \"wait.response\", \"to\": \"after.in\"}]}"
SLOW=$WF
check_eq "$(sql 'SELECT count(*) FROM workflows')" 4 "four workflows"

echo "# a run that succeeds"
start "$SIMPLE"
check_status 201 "start a run"
FIRST=$RUN
wait_run "$FIRST" succeeded
req GET "/runs/$FIRST"
check_status 200 "GET /runs/$FIRST"
check_security_headers "/runs/$FIRST"
check_body_contains "<code>a</code> <small>json.set</small>" "the step is shown with its block type"
check_body_contains "href=\"/workflows/$SIMPLE/versions/1\"" "the run links to the version it ran"
check_body_contains "Simple &lt;b&gt;" "the workflow's name is escaped"
check_body_contains 'class="status status-succeeded"' "the status has its class"
check_body_lacks 'http-equiv="refresh"' "a finished run's page does not reload itself"
check_body_lacks 'run-page.js' "... nor follows live events"
req GET "/runs/$FIRST" "${JSON[@]}"
check_json .run.status succeeded "JSON: the status"
check_json '.run.steps[0].outputs.out.x' 1 "JSON: the step's outputs"
check_json '.run.steps[0].outcome' ok "JSON: the step's outcome"
check_json '[.run.created_at > 0, .run.duration_ms >= 0, (.run.created | test("UTC$"))] | all' true \
	"JSON: times in ms and readable, and the duration"
check_json '.run.workflow_url' "/workflows/$SIMPLE" "JSON: the workflow's address"
req GET /runs/999999
check_status 404 "an unknown run"
req GET /runs/x1
check_status 404 "a run id that is not a number"

echo "# big outputs"
start "$BIG"
wait_run "$RUN" succeeded
req GET "/runs/$RUN"
check_body_contains "… (truncated)" "big outputs are cut on the page"
check_body_contains "href=\"/runs/$RUN/steps/big/outputs\"" "... with a link to them whole"
req GET "/runs/$RUN" "${JSON[@]}"
check_json '[.run.steps[0].outputs_truncated, .run.steps[0].outputs] | tojson' '[true,null]' \
	"JSON: the cut outputs are left out, at outputs_url"
req GET "/runs/$RUN/steps/big/outputs"
check_status 200 "GET the whole outputs"
check_header Content-Type '^application/json' "... as JSON"
check_json '.out.big | length' 6000 "... all of them"
req GET "/runs/$RUN/steps/nope/outputs"
check_status 404 "the outputs of a step that is not there"

echo "# a failed run, its retry and its dead letter"
start "$FAILING"
FAILED=$RUN
wait_run "$FAILED" failed
req GET "/runs/$FAILED"
check_body_contains "action=\"/runs/$FAILED/retry\"" "a failed run has the retry button"
check_body_contains 'class="status status-failed"' "... its status class"
check_body_contains 'outcome-error' "... the sandbox outcome of the failed step"
check_body_contains "trigger.missing" "... and the error"
req GET "/runs/$FAILED" "${JSON[@]}"
check_json '[.can_retry, .can_cancel, .run.failed_block] | tojson' '[true,false,"t"]' "JSON: what can be done, the failed block"
req GET /dead-letters
check_status 200 "GET /dead-letters"
check_body_contains "href=\"/runs/$FAILED\"" "the failed run is a dead letter"
req GET /dead-letters "${JSON[@]}"
LETTER=$(jqb '.dead_letters[0].id')
check_json '.dead_letters[0].run_id' "$FAILED" "JSON: the dead letter's run"
req POST "/runs/$FIRST/retry" --data-urlencode "csrf=$CSRF"
check_status 409 "retrying a run that succeeded"
check_body_contains "has not failed" "... says why"
req POST "/runs/$FAILED/retry" --data-urlencode "csrf=$CSRF"
check_status 303 "retry from the failed step"
check_eq "$(header Location)" "/runs/$FAILED" "... back to the run"
# The retry has ended when its dead letter is there (however loaded the machine).
it_wait_sql "SELECT count(*) FROM dead_letters WHERE run_id = $FAILED" 2
wait_run "$FAILED" failed
check_eq "$(sql "SELECT count(*) FROM dead_letters WHERE run_id = $FAILED AND retried_at IS NULL")" 2 \
	"it failed again: a second dead letter"
req POST "/dead-letters/$LETTER/retry" --data-urlencode "csrf=$CSRF"
check_status 303 "retry a dead letter"
check_eq "$(header Location)" "/runs/$FAILED" "... back to its run"
req POST "/dead-letters/$LETTER/retry" "${JSON[@]}" --data-urlencode "csrf=$CSRF"
check_status 404 "a dead letter retried already"
it_wait_sql "SELECT count(*) FROM dead_letters WHERE run_id = $FAILED" 3
wait_run "$FAILED" failed
check_eq "$(sql "SELECT count(*) FROM dead_letters WHERE run_id = $FAILED AND retried_at IS NULL")" 2 \
	"the retried letter is marked, the new failure has its own"

echo "# cancel"
req POST "/runs/$FIRST/cancel" "${JSON[@]}" --data-urlencode "csrf=$CSRF"
check_status 409 "cancelling a run that ended"
check_json .error.message "Run $FIRST has already ended (succeeded): there is nothing to cancel." "... says why"
start "$SLOW"
SLOW_RUN=$RUN
wait_run "$SLOW_RUN" running
req GET "/runs/$SLOW_RUN"
check_body_contains '<noscript><meta http-equiv="refresh" content="2"' "a running run's page reloads itself without JavaScript"
check_body_contains '<script type="module" src="/static/run-page.js">' "... and follows the live events with it"
check_body_contains "data-live=\"/runs/$SLOW_RUN/events\"" "... of this run"
check_body_contains "action=\"/runs/$SLOW_RUN/cancel\"" "... and has the cancel button"
req POST "/runs/$SLOW_RUN/cancel" "${JSON[@]}" --data-urlencode "csrf=$CSRF"
check_status 200 "cancel a running run"
check_json .cancel_requested true "... JSON says so"
wait_run "$SLOW_RUN" cancelled
check_eq "$(sql "SELECT count(*) FROM steps WHERE run_id = $SLOW_RUN AND block = 'after'")" 0 "no block started after the cancel"
NOW_MS=$(($(date +%s) * 1000))
QUEUED=$(sql "INSERT INTO runs (workflow_id, version, trigger, input, status, created_at)
	VALUES ($SIMPLE, 1, 'manual', '{}', 'queued', $NOW_MS) RETURNING id")
req POST "/runs/$QUEUED/cancel" "${JSON[@]}" --data-urlencode "csrf=$CSRF"
check_status 409 "cancelling a run the engine has not picked up"
check_body_contains "is queued" "... says it is queued"

echo "# the list, its filters and pages"
req GET /runs
check_status 200 "GET /runs"
check_body_contains '<a href="/runs">Runs</a>' "the nav links to the runs"
check_body_contains "href=\"/runs/$FAILED\"" "the list links to each run"
check_body_contains 'class="status status-cancelled"' "... with the status classes"
req GET /runs "${JSON[@]}"
check_json '.total' 5 "JSON: every run is counted"
check_json '[.runs[0].id, .runs[0].url] | tojson' "[$QUEUED,\"/runs/$QUEUED\"]" "JSON: newest first, with its address"
req GET "/runs?status=failed" "${JSON[@]}"
check_json '[.runs[].id] | tojson' "[$FAILED]" "filter by status"
req GET "/runs?workflow=$SLOW" "${JSON[@]}"
check_json '[.runs[].id, .workflow.name] | tojson' "[$SLOW_RUN,\"Slow\"]" "filter by workflow number"
req GET "/runs?workflow=Failing" "${JSON[@]}"
check_json '[.runs[].id] | tojson' "[$FAILED]" "filter by workflow name"
TODAY=$(date -u +%F)
YESTERDAY=$(date -u -d yesterday +%F)
req GET "/runs?since=$TODAY&until=$TODAY" "${JSON[@]}"
check_json .total 5 "filter by day: today"
req GET "/runs?until=$YESTERDAY" "${JSON[@]}"
check_json .total 0 "filter by day: until yesterday"
req GET "/runs?status=finished"
check_status 400 "an unknown status"
check_body_contains "queued, running, succeeded" "... names the statuses"
req GET "/runs?status=$(printf 'é%.0s' {1..30})" "${JSON[@]}"
check_json '.error.message | test("^The status filter .é+. is not")' true "a long status is quoted cut on a character"
req GET "/runs?since=2026-02-30" "${JSON[@]}"
check_status 400 "a day that does not exist"
check_json '.error.message | test("YYYY-MM-DD")' true "... names the format"
req GET "/runs?until=yesterday" "${JSON[@]}"
check_status 400 "a date that is not one"
req GET "/runs?workflow=nope" "${JSON[@]}"
check_status 404 "a workflow that does not exist"
for ((i = 0; i < 20; i++)); do start "$SIMPLE"; done
it_wait_sql "SELECT count(*) FROM runs WHERE workflow_id = $SIMPLE AND status = 'succeeded'" 21
req GET "/runs?workflow=$SIMPLE&status=succeeded" "${JSON[@]}"
check_json '[.total, .pages, (.runs | length), .prev_url] | tojson' '[21,2,20,null]' "20 runs a page"
check_json .next_url "/runs?page=2&workflow=$SIMPLE&status=succeeded" "the next page keeps the filters"
req GET "/runs?page=2&workflow=$SIMPLE&status=succeeded"
check_body_contains "href=\"/runs?page=1&amp;workflow=$SIMPLE&amp;status=succeeded\"" "the previous page, on page 2"
check_body_contains "<option value=\"succeeded\" selected>" "the filter form shows the filter"

echo "# a viewer"
req POST /users --data-urlencode "csrf=$CSRF" --data-urlencode username=viewer \
	--data-urlencode "password=viewer pw 123" --data-urlencode role=viewer
check_status 303 "create a viewer"
JAR=$IT_TMP/viewer.jar
: >"$JAR"
req GET /login
req POST /login --data-urlencode "csrf=$(csrf_from_body)" --data-urlencode username=viewer \
	--data-urlencode "password=viewer pw 123"
check_status 303 "the viewer signs in"
req GET /account
VCSRF=$(csrf_from_body)
req GET "/runs/$FAILED"
check_status 200 "the viewer sees a run"
check_body_lacks "/retry\"" "... without the retry button"
req GET /dead-letters
check_body_lacks "/retry\"" "... and dead letters without theirs"
req POST "/runs/$FAILED/retry" --data-urlencode "csrf=$VCSRF"
check_status 403 "a viewer cannot retry"
it_done
