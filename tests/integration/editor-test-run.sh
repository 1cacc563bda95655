#!/bin/bash
# The editor's test run without JavaScript (curl, a cookie jar and CSRF
# tokens) through nginx: the sample trigger input kept with the workflow
# (taken from the webhook's last delivery with one form, or typed), a test
# run with it, its states drawn on the canvas and listed with links to each
# step's inputs, outputs and logs; the placeholder picker with the fields the
# last run's values had; one block tested again alone, or from it
# on, with what the blocks before it did in that run; the refusals; the
# sample kept through export; a run still going is marked for the script to
# follow live.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start_http_server || it_skip "the test HTTP server did not start (python3 missing?)"
it_start nginx "egress_allow_loopback = yes"

JSON=(-H 'Accept: application/json')
it_setup_owner "editor test pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token tests >/dev/null || it_fail "an API token" "$(it_answer)"

it_webhook_workflow "Greeter" '{"format": 1, "trigger": {"type": "webhook"},
  "blocks": [{"id": "greet", "type": "text.template", "config": {"template": "Hello {{ trigger.body.name }}"}}]}' >"$IT_TMP/hook"
HOOK=$(cat "$IT_TMP/hook")
case $HOOK in /hooks/*) it_pass "a webhook workflow" ;; *) it_fail "a webhook workflow" "$(it_answer)" ;; esac
EDIT=/workflows/$WF/edit

version() {
	req GET "$EDIT"
	VERSION=$(grep -o 'name="version" value="[0-9]*"' "$BODY" | head -n 1 | grep -o '[0-9]*')
}

# post PATH FIELD=VALUE...: a form of the editor, made from the version there is now.
post() {
	local path=$1 args=() field
	shift
	version
	for field in "$@"; do
		args+=(--data-urlencode "$field")
	done
	req POST "$path" --data-urlencode "csrf=$CSRF" --data-urlencode "version=$VERSION" "${args[@]}"
}

sample() {
	sql "SELECT json_extract(definition, '\$.trigger.sample') FROM workflow_versions WHERE workflow_id = $WF
		ORDER BY version DESC LIMIT 1"
}

echo "# the form"
req GET "$EDIT"
check_body_contains '<section id="test-run" class="test-run">' "the editor has a Test run section"
check_body_contains "action=\"$EDIT/test-run\"" "... with its form"
check_body_contains "last delivery as the sample</button>" "... and, for a webhook, the delivery form"
check_body_contains '<textarea id="test-input" name="input" rows="5" class="code">{}</textarea>' "no sample yet: {}"

echo "# the webhook's last delivery as the sample"
post "$EDIT/sample"
check_status 422 "no delivery yet"
check_body_contains "has received no delivery yet" "... says so"
req POST "$HOOK" -H 'Content-Type: application/json' --data '{"name": "Grace"}'
check_status 202 "a delivery"
post "$EDIT/sample"
check_status 303 "the last delivery taken as the sample"
check_eq "$(header Location)" "$EDIT#test-run" "... back to the test run"
check_eq "$(sample | jq -c .body)" '{"name":"Grace"}' "the sample is the delivery's input (body, query, headers)"
req GET "$EDIT"
check_body_contains '&quot;name&quot;: &quot;Grace&quot;' "the form shows the sample"

echo "# a test run"
version
before=$VERSION
post "$EDIT/test-run" 'input={"body": {"name": "Ada"}}'
check_status 303 "a test run"
LOC=$(header Location)
RUN=$(printf '%s' "$LOC" | sed -n 's|.*?run=\([0-9]*\)#test-run$|\1|p')
check_eq "${LOC%%\?*}" "$EDIT" "... back to the editor"
if [ -n "$RUN" ]; then it_pass "... naming the run ($LOC)"; else it_fail "... naming the run" "$LOC"; fi
it_wait_run "$RUN" succeeded || it_fail "the test run succeeds" "$(sql "SELECT status, error FROM runs WHERE id = $RUN")"
check_eq "$(sql "SELECT input FROM runs WHERE id = $RUN" | jq -c .)" '{"body":{"name":"Ada"}}' "the run has the typed input"
check_eq "$(sample | jq -c .)" '{"body":{"name":"Ada"}}' "the typed input is kept as the sample"
version
check_eq "$VERSION" $((before + 1)) "a changed sample is a new version"
check_eq "$(sql "SELECT version FROM runs WHERE id = $RUN")" "$VERSION" "... which the run ran"
req GET "$LOC"
check_body_contains 'data-block="greet" data-kind="block"' "the canvas"
check_body_contains 'data-state="ok"' "... draws the block's state"
check_body_contains '>ok · ' "... with its duration"
check_body_contains "href=\"/runs/$RUN#step-greet\">inputs, outputs and logs" "the step links to its inputs, outputs and logs"
check_body_lacks 'data-live=' "a finished run is not followed live"
req GET "$EDIT/blocks/greet"
check_body_contains '<code>{{ trigger.body.name }}</code>' "the placeholder picker offers the fields the last run's input had"
check_body_contains "last run (run <span>$RUN</span>)" "... and says which run they come from"
check_body_contains 'src="/static/editor/placeholders.js"' "... which a click puts in the field (with JavaScript)"

post "$EDIT/test-run" 'input={"body": {"name": "Ada"}}'
check_status 303 "the same sample again"
version
check_eq "$VERSION" $((before + 1)) "... makes no new version"
post "$EDIT/test-run" 'input='
check_status 303 "an empty input"
check_eq "$(sql "SELECT input FROM runs ORDER BY id DESC LIMIT 1" | jq -c .)" '{"body":{"name":"Ada"}}' "... runs the kept sample"

echo "# refusals"
version
post "$EDIT/test-run" 'input={"body": '
check_status 422 "a sample that is not JSON"
check_body_contains 'The sample input is not JSON' "... says so"
check_body_contains 'line 1, column' "... and where"
req POST "$EDIT/test-run" --data-urlencode "csrf=$CSRF" --data-urlencode "version=1" --data-urlencode 'input={}'
check_status 409 "a test run from an old version"
req GET "/workflows/$WF/edit?run=999999"
check_status 200 "?run= of a run that does not exist"
check_body_lacks 'class="test-result"' "... shows no run"

echo "# JSON, export"
version
req POST "$EDIT/test-run" "${JSON[@]}" --data-urlencode "csrf=$CSRF" --data-urlencode "version=$VERSION" \
	--data-urlencode 'input={"body": {"name": "Lin"}}'
check_status 201 "JSON: a test run"
check_json .run.events_url "/runs/$(jqb .run.id)/events" "JSON: the run's live events"
req GET "/workflows/$WF/export"
check_json '.definition.trigger.sample.body.name' Lin "the sample goes with the export"

echo "# one block alone, and from a block on"
it_create_workflow "Chain" '{"format": 1, "trigger": {"type": "manual"}, "blocks": [
  {"id": "one", "type": "text.template", "config": {"template": "one {{ trigger.n }}"}},
  {"id": "two", "type": "text.template", "config": {"template": "two after {{ one.text }}"}},
  {"id": "three", "type": "text.template", "config": {"template": "three after {{ two.text }}"}}],
  "edges": [{"from": "one.text", "to": "two.in"}, {"from": "two.text", "to": "three.in"}]}'
EDIT=/workflows/$WF/edit
post "$EDIT/test-run" 'input={"n": 7}'
FIRST=$(header Location | sed -n 's|.*?run=\([0-9]*\)#test-run$|\1|p')
it_wait_run "$FIRST" succeeded || it_fail "the chain runs" "$(sql "SELECT status, error FROM runs WHERE id = $FIRST")"
req GET "$EDIT?run=$FIRST"
check_body_contains "action=\"$EDIT/blocks/two/test\"" "each step of the test run can be tested again"
step() { # RUN BLOCK COLUMN
	sql "SELECT $3 FROM steps WHERE run_id = $1 AND block = '$2'"
}
req POST "$EDIT/blocks/two/test" --data-urlencode "csrf=$CSRF" --data-urlencode "from=$FIRST" --data-urlencode mode=from
check_status 303 "from block two on"
FROM=$(header Location | sed -n 's|.*?run=\([0-9]*\)#test-run$|\1|p')
it_wait_run "$FROM" succeeded || it_fail "... succeeds" "$(sql "SELECT status, error FROM runs WHERE id = $FROM")"
check_eq "$(step "$FROM" one started_at)" "$(step "$FIRST" one started_at)" "... block one keeps what it did in the first run"
check_eq "$(step "$FROM" two "json_extract(outputs, '\$.text')")" "two after one 7" "... two runs again on one's output"
if [ "$(step "$FROM" two started_at)" != "$(step "$FIRST" two started_at)" ]; then it_pass "... two ran again"
else it_fail "... two ran again" "started at $(step "$FROM" two started_at) both times"; fi
check_eq "$(step "$FROM" three status)" ok "... and three after it"
check_eq "$(sql "SELECT input FROM runs WHERE id = $FROM" | jq -c .)" '{"n":7}' "... with the first run's input"
req POST "$EDIT/blocks/two/test" --data-urlencode "csrf=$CSRF" --data-urlencode "from=$FIRST" --data-urlencode mode=alone
check_status 303 "block two alone"
ALONE=$(header Location | sed -n 's|.*?run=\([0-9]*\)#test-run$|\1|p')
it_wait_run "$ALONE" succeeded || it_fail "... succeeds" "$(sql "SELECT status, error FROM runs WHERE id = $ALONE")"
check_eq "$(step "$ALONE" one started_at)" "$(step "$FIRST" one started_at)" "... one keeps what it did"
check_eq "$(step "$ALONE" two status)" ok "... two runs"
check_eq "$(step "$ALONE" three status)" skipped "... three does not"
check_eq "$(step "$ALONE" three error)" "not run: this run tests two alone" "... and says why"
req POST "$EDIT/blocks/nope/test" --data-urlencode "csrf=$CSRF" --data-urlencode "from=$FIRST" --data-urlencode mode=alone
check_status 404 "a block that does not exist"
req POST "$EDIT/blocks/two/test" --data-urlencode "csrf=$CSRF" --data-urlencode "from=1" --data-urlencode mode=alone
check_status 422 "a run of another workflow"
req POST "$EDIT/blocks/two/test" --data-urlencode "csrf=$CSRF" --data-urlencode "from=$FIRST" --data-urlencode mode=twice
check_status 400 "an unknown mode"

echo "# a run still going"
it_create_workflow "Slow" "$(jq -n --arg u "http://127.0.0.1:$HTTP_PORT/slow" \
	'{format: 1, trigger: {type: "manual"}, blocks: [{id: "wait", type: "http.request", config: {url: $u}}]}')"
EDIT=/workflows/$WF/edit
post "$EDIT/test-run" 'input={}'
check_status 303 "a slow test run"
RUN=$(header Location | sed -n 's|.*?run=\([0-9]*\)#test-run$|\1|p')
req GET "$EDIT?run=$RUN"
check_body_contains "data-live=\"/runs/$RUN/events\"" "a run still going is followed live"
it_wait_run "$RUN" succeeded

it_done
