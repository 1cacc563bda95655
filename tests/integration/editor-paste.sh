#!/bin/bash
# Paste (POST /workflows/ID/edit/paste) through real nginx with curl, a cookie
# jar and CSRF tokens: blocks copied from one workflow, as workflow JSON,
# pasted into another as one new version, ids that clash renamed with their
# edges and placeholders, edges to blocks not pasted dropped, positions moved
# off the blocks there; bad pastes refused with a message and nothing changed.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start nginx

JSON=(-H 'Accept: application/json')
it_setup_owner "editor paste test pw"
check_eq "$?" 0 "first-run setup signs the owner in"

req POST /workflows --data-urlencode "csrf=$CSRF" --data-urlencode "name=Target" \
	--data-urlencode 'definition={"format": 1, "trigger": {"type": "manual"}, "blocks": [{"id": "one", "type": "text.template", "config": {"template": "hi"}, "ui": {"x": 300, "y": 40}}], "edges": [{"from": "trigger.out", "to": "one.in"}]}'
check_status 303 "a workflow to paste into"
WF=$(header Location | sed 's|.*/workflows/||')
EDIT=/workflows/$WF/edit

newest() {
	sql "SELECT max(version) FROM workflow_versions WHERE workflow_id = $WF"
}
definition() {
	sql "SELECT definition FROM workflow_versions WHERE workflow_id = $WF ORDER BY version DESC LIMIT 1"
}

echo "# the form"
req GET "$EDIT"
check_body_contains "action=\"$EDIT/paste\"" "the editor has the paste form"
check_body_contains 'Paste blocks as JSON' "... named so"
check_body_contains 'name="json"' "... with a field for the JSON"

# Copied elsewhere: "one" and "two" (which clash with... "one" does), their edge, an
# edge from a block not copied, and a placeholder naming the pasted "one".
PASTE='{"format": 1, "blocks": [
  {"id": "one", "type": "text.template", "config": {"template": "copied"}, "ui": {"x": 300, "y": 40}},
  {"id": "two", "type": "text.template", "config": {"template": "{{ one.text }}!"}, "settings": {"retries": 1}, "ui": {"x": 500, "y": 40}}],
  "edges": [{"from": "one.text", "to": "two.in"}, {"from": "elsewhere.out", "to": "one.in"}]}'

echo "# paste into another workflow"
req POST "$EDIT/paste" --data-urlencode "csrf=$CSRF" -d version=1 --data-urlencode "json=$PASTE"
check_status 303 "pasted (form)"
check_eq "$(header Location)" "$EDIT#outline" "... back to the editor's outline"
check_eq "$(newest)" 2 "... as one new version"
check_eq "$(definition | jq -c '[.blocks[].id]')" '["one","one_2","two"]' "the clashing id is renamed one_2"
check_eq "$(definition | jq -c '.edges')" \
	'[{"from":"trigger.out","to":"one.in"},{"from":"one_2.text","to":"two.in"}]' \
	"the pasted edge follows the rename; the edge from a block not pasted is dropped"
check_eq "$(definition | jq -r '.blocks[2].config.template')" '{{ one_2.text }}!' "the placeholder follows the rename"
check_eq "$(definition | jq -c '.blocks[2].settings')" '{"retries":1}' "the settings are kept"
check_eq "$(definition | jq -c '[.blocks[1].ui, .blocks[2].ui]')" '[{"x":340,"y":80},{"x":540,"y":80}]' \
	"the pasted blocks are moved off the block they would cover"

echo "# JSON twin"
req POST "$EDIT/paste" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=2 --data-urlencode "json=$PASTE"
check_status 200 "pasted again (JSON)"
check_json '.workflow.version' 3 "... the new version"
check_json '.pasted | join(",")' 'one_3,two_2' "... the pasted ids, renamed again"
check_eq "$(definition | jq -r '.blocks[4].config.template')" '{{ one_3.text }}!' "... placeholders follow"
check_eq "$(definition | jq -c '.blocks[3].ui')" '{"x":380,"y":120}' "... moved off the first paste too"

echo "# refusals change nothing"
BEFORE=$(row_counts)
DEF=$(definition)
req POST "$EDIT/paste" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=3 --data-urlencode 'json={"blocks": [}'
check_status 400 "not JSON"
check_json '.error.message | test("not JSON \\(line 1, column")' true "... says so, with where"
req POST "$EDIT/paste" --data-urlencode "csrf=$CSRF" -d version=3 --data-urlencode 'json=nope'
check_status 400 "not JSON (form)"
check_body_contains 'the pasted text is not JSON' "... the editor says so"
req POST "$EDIT/paste" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=3 --data-urlencode 'json=  '
check_status 400 "nothing pasted"
check_json '.error.message | test("nothing to paste")' true "... says so"
req POST "$EDIT/paste" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=3 --data-urlencode 'json={"format": 1, "blocks": []}'
check_status 422 "no blocks"
check_json '.error.message | test("has no blocks")' true "... says so"
req POST "$EDIT/paste" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=3 \
	--data-urlencode 'json={"blocks": [{"id": "x", "type": "no.such"}]}'
check_status 422 "an unknown block type"
check_json '.error.message | test("type \"no.such\", which this server does not have")' true "... is named"
req POST "$EDIT/paste" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=3 \
	--data-urlencode 'json={"blocks": [{"id": "x", "type": "text.template"}, {"id": "x", "type": "text.template"}]}'
check_status 422 "two blocks of one id"
check_json '.error.message | test("two blocks of id \"x\"")' true "... is named"
req POST "$EDIT/paste" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=3 \
	--data-urlencode 'json={"format": 2, "blocks": [{"id": "x", "type": "text.template"}]}'
check_status 422 "another format"
req POST "$EDIT/paste" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=3 \
	--data-urlencode 'json={"blocks": [{"id": "x", "type": "text.template", "config": {"nope": 1}}]}'
check_status 422 "a block the engine refuses"
check_json '.error.message | test("^This change was not made: x: ")' true "... with the engine's message"
req POST "$EDIT/paste" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=2 --data-urlencode "json=$PASTE"
check_status 409 "a stale version"
req POST "$EDIT/paste" "${JSON[@]}" -d version=3 --data-urlencode "json=$PASTE"
check_status 403 "no CSRF token"
check_eq "$(row_counts)" "$BEFORE" "refused pastes add no version"
check_eq "$(definition)" "$DEF" "... and change nothing"

it_done
