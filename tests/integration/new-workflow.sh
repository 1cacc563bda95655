#!/bin/bash
# A new workflow starts from a valid one: the new-workflow page offers its
# starting points (a manual trigger alone by default, a webhook that answers, a
# morning schedule), each of which validates against the real core blocks and
# works; a workflow created without a definition, and the example of
# docs/api.md, are valid too.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start nginx
it_setup_owner "new workflow pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token starters


echo "# the page"
req GET /workflows/new
check_status 200 "the new-workflow page"
check_body_contains 'Start from:' "... offers starting points"
check_body_contains '&quot;trigger&quot;: {&quot;type&quot;: &quot;manual&quot;}' "... and starts from a manual trigger"
check_body_contains 'href="/workflows/new?start=webhook"' "... links to the webhook one"
req GET /workflows/new?start=webhook
check_body_contains '<strong>Answer a webhook</strong>' "the chosen starting point is marked"
check_body_contains 'trigger.body.name' "... and fills the definition"
req GET /workflows/new?start=nope "${API[@]}"
check_status 404 "an unknown starting point"
check_json .error.message "There is no starting point named 'nope': the starting points are blank, webhook, schedule." \
	"... names the ones there are"

echo "# every starting point is a valid workflow"
req GET /workflows/new "${API[@]}"
check_json '[.starters[] | select(.current)] | map(.key) | join(",")' blank "the default is the blank one"
keys=$(jqb '.starters[].key')
check_eq "$(echo "$keys" | wc -l)" 3 "three starting points"
for key in $keys; do
	req GET "/workflows/new?start=$key" "${API[@]}"
	def=$(jqb .form.definition)
	it_create_workflow "Starter $key" "$def"
	check_status 201 "create from '$key'"
	req GET "/workflows/$WF" "${API[@]}"
	check_json '.problems | length' 0 "... it has no problems"
	declare "WF_$key=$WF"
done

req POST "/workflows/$WF_blank/run?wait=30" "${API[@]}" --data 'input={}'
check_json .run.status succeeded "the blank one runs, and succeeds at once"
check_json '.run.steps | length' 0 "... with no steps"
req POST "/workflows/$WF_webhook/webhook" "${API[@]}" --data action=create
HOOK=$(jqb .path)
req POST "$HOOK" -H 'Content-Type: application/json' --data '{"name": "Ada"}'
check_eq "$STATUS $(cat "$BODY")" '200 Hello, Ada!' "the webhook one answers its webhook"
req POST "/workflows/$WF_schedule/run?wait=30" "${API[@]}" --data 'input={"scheduled_at": "2026-01-01T09:00:00Z"}'
check_json .run.status succeeded "the schedule one runs"
check_json .run.steps[0].outputs.out.ran_at "2026-01-01T09:00:00Z" "... with the time it was due"
req POST "/workflows/$WF_schedule/run?wait=30" "${API[@]}" --data 'input={}'
check_json .run.steps[0].outputs.out.ran_at "by hand" "... and by hand with no input too"

echo "# without a definition, and the example of docs/api.md"
req POST /workflows "${API[@]}" --data name=Bare
check_status 201 "a workflow created without a definition"
check_json .workflow.definition.trigger.type manual "... has a manual trigger"
req GET "/workflows/$(jqb .workflow.id)" "${API[@]}"
check_json '.problems | length' 0 "... and no problems"
example=$(sed -n "s/^ *-d '\({\"name\":\"Weekly digest\".*}\)' \\\\$/\1/p" "$top_srcdir/docs/api.md")
check_eq "$(jq -r .name <<<"$example")" "Weekly digest" "docs/api.md has the create example"
req POST /workflows "${API[@]}" -H 'Content-Type: application/json' --data "$example"
check_status 201 "the docs/api.md example creates a workflow"
req GET "/workflows/$(jqb .workflow.id)" "${API[@]}"
check_json '.problems | length' 0 "... a valid one"
it_done
