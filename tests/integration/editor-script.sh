#!/bin/bash
# The edits the editor's script makes beyond the outline's forms, through real
# nginx with curl: an edit of the page's unsaved draft (an outline form with
# the field draft, POST .../edit/draft) drawn again and nothing stored, Save
# (POST .../edit/save, 409 when stale); a block's position (POST
# /workflows/ID/edit/positions) and undo (POST /workflows/ID/edit/revert),
# as forms and as JSON, with their CSRF token, their version (409 when stale)
# and bad input refused with nothing changed; the script's modules served
# under /static/editor/; a block's settings panel: its form from the draft
# (POST .../blocks/BLOCK/panel), applied to the draft.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start nginx

JSON=(-H 'Accept: application/json')
it_setup_owner "editor script test pw"
check_eq "$?" 0 "first-run setup signs the owner in"

req POST /workflows --data-urlencode "csrf=$CSRF" --data-urlencode "name=Moved" \
	--data-urlencode 'definition={"format": 1, "trigger": {"type": "manual"}, "blocks": [{"id": "greet", "type": "text.template", "config": {"template": "hi"}}], "edges": []}'
check_status 303 "a workflow of one block"
WF=$(header Location | sed 's|.*/workflows/||')
EDIT=/workflows/$WF/edit

ui() {
	sql "SELECT json_extract(definition, '$1') FROM workflow_versions WHERE workflow_id = $WF ORDER BY version DESC LIMIT 1"
}
newest() {
	sql "SELECT max(version) FROM workflow_versions WHERE workflow_id = $WF"
}

echo "# the script's modules"
req GET /static/editor/main.js
check_status 200 "GET /static/editor/main.js"
check_header Content-Type '^text/javascript' "... as JavaScript"
check_body_contains "from './server.js'" "... the module itself"
req GET /static/.x/main.js
check_status 404 "no folder whose name starts with a dot (nor ..)"
req GET /static/editor/nope.js
check_status 404 "a file that is not there"
req GET "$EDIT"
check_body_contains '<script type="module" src="/static/editor/main.js"></script>' "the editor loads the script"

echo "# positions"
req POST "$EDIT/positions" --data-urlencode "csrf=$CSRF" -d version=1 -d block=greet -d x=480 -d y=-120
check_status 303 "a block's position saved (form)"
check_eq "$(header Location)" "$EDIT" "... back to the editor"
check_eq "$(ui '$.blocks[0].ui')" '{"x":480,"y":-120}' "... in the block's ui"
check_eq "$(newest)" 2 "... as a new version"
req GET "$EDIT"
check_body_contains 'transform="translate(480 -120)"' "... drawn there"
req POST "$EDIT/positions" "${JSON[@]}" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
	--data '{"version": 2, "block": "trigger", "x": -40, "y": 16}'
check_status 200 "JSON: the trigger's position"
check_json '.workflow.version' 3 "JSON: the new version"
check_json '.workflow.definition.trigger.ui.x' -40 "JSON: the trigger's ui"
BEFORE=$(row_counts)
req POST "$EDIT/positions" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=2 -d block=greet -d x=0 -d y=0
check_status 409 "a stale version is refused"
check_json '.error.message | test("saved again since version 2")' true "... saying so"
req POST "$EDIT/positions" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=3 -d block=nope -d x=0 -d y=0
check_status 422 "a block that is not there"
check_json '.error.message | test("has no block nope")' true "... is named"
req POST "$EDIT/positions" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=3 -d block=greet -d x=1.5 -d y=0
check_status 422 "a position that is not a whole number"
check_json '.error.message | test("whole numbers from -1000000 to 1000000")' true "... says what is wanted"
req POST "$EDIT/positions" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=3 -d block=greet -d x=0 -d y=1000001
check_status 422 "a position out of bounds"
req POST "$EDIT/positions" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=3 -d block=greet -d block=trigger -d x=0 -d y=0
check_status 422 "two blocks and one position"
check_json '.error.message | test("once for each block")' true "... says how it goes"
req POST "$EDIT/positions" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=3 -d block=trigger -d x=5 -d y=5 \
	-d block=nope -d x=0 -d y=0
check_status 422 "a move of two blocks, one not there"
req POST "$EDIT/positions" "${JSON[@]}" -d version=3 -d block=greet -d x=0 -d y=0
check_status 403 "no CSRF token"
req POST "$EDIT/positions" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d block=greet -d x=0 -d y=0
check_status 400 "no version"
check_eq "$(row_counts)" "$BEFORE" "refused positions change nothing"

req POST "$EDIT/positions" "${JSON[@]}" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
	--data '{"version": 3, "block": ["greet", "trigger"], "x": [500, -60], "y": [-100, 20]}'
check_status 200 "JSON: two blocks moved together"
check_json '[.workflow.version, .workflow.definition.blocks[0].ui.x, .workflow.definition.trigger.ui.y] | tostring' '[4,500,20]' \
	"JSON: ... in one new version"
req POST "$EDIT/revert" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=4 -d to=3
check_status 200 "back to version 3 (undo the move of both)"
check_eq "$(ui '$.blocks[0].ui')" '{"x":480,"y":-120}' "... both where they were"

echo "# undo: the definition of an earlier version"
req POST "$EDIT/revert" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=5 -d to=1
check_status 200 "back to version 1"
check_json '.workflow.version' 6 "... as version 6"
check_eq "$(ui '$.blocks[0].ui')" "" "... without the position"
req POST "$EDIT/revert" --data-urlencode "csrf=$CSRF" -d version=6 -d to=3
check_status 303 "redo: forward to version 3 (form)"
check_eq "$(ui '$.blocks[0].ui')" '{"x":480,"y":-120}' "... the position is back"
BEFORE=$(row_counts)
req POST "$EDIT/revert" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=6 -d to=1
check_status 409 "a stale undo is refused"
req POST "$EDIT/revert" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=7 -d to=99
check_status 422 "a version that does not exist"
check_json '.error.message | test("no such version")' true "... says so"
req POST "$EDIT/revert" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=7 -d to=x
check_status 422 "a version that is not a number"
check_eq "$(row_counts)" "$BEFORE" "refused undos change nothing"

echo "# the script's draft: edits drawn, not stored, until Save"
DRAFT=$(sql "SELECT definition FROM workflow_versions WHERE workflow_id = $WF AND version = 7")
BEFORE=$(row_counts)
req POST "$EDIT/blocks" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=7 --data-urlencode "draft=$DRAFT" \
	-d type=text.template -d after=greet.text -d id=loud
check_status 200 "a block added to the draft"
check_header Content-Type '^text/html' "... answers the editor drawn from the draft"
check_body_contains 'data-block="loud"' "... with the new block drawn"
check_body_contains '&quot;to&quot;:&quot;loud.in&quot;' "... and connected in the page's draft"
check_eq "$(row_counts)" "$BEFORE" "... and nothing stored"
NEW=$(sed -n 's/.*<textarea id="editor-definition" hidden="hidden">\([^<]*\)<.*/\1/p' "$BODY" |
	sed 's/&quot;/"/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g')
check_eq "$(jq -r '.blocks[1].id' <<<"$NEW")" loud "the page holds the changed draft"
req POST "$EDIT/edges/delete" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=7 --data-urlencode "draft=$NEW" \
	-d from=greet.text -d to=loud.in
check_status 200 "an edge deleted from the draft"
NOLOUD=$(jq -c 'del(.blocks[1]) | .edges = []' <<<"$NEW")
req POST "$EDIT/draft" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=7 --data-urlencode "draft=$NEW" \
	--data-urlencode "to=$NOLOUD"
check_status 200 "the draft as the script changed it (a cut) drawn again"
check_body_lacks 'data-block="loud"' "... without the block cut"
req POST "$EDIT/draft" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=7 --data-urlencode "draft=$NEW" \
	--data-urlencode 'to={"format": 1, "trigger": {"type": "manual"}, "blocks": [{"id": "x", "type": "nope.nope"}], "edges": []}'
check_status 422 "a draft change that adds a problem is refused"
check_json '.error.message | test("This change was not made")' true "... with the engine's reason"
req POST "$EDIT/blocks" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=7 --data-urlencode "draft={nope" -d type=text.template
check_status 400 "a draft that is not JSON"
check_json '.error.message | test("not a JSON object")' true "... says so"
req POST "$EDIT/draft" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=7 --data-urlencode "to=$NOLOUD"
check_status 400 "the draft route without a draft"
check_eq "$(row_counts)" "$BEFORE" "draft edits store nothing"

echo "# the settings panel: a block's form from the draft, applied to the draft"
req POST "$EDIT/blocks/loud/panel" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=7 --data-urlencode "draft=$NEW"
check_status 200 "the panel's form of a block only the draft has"
check_header Content-Type '^text/html' "... as HTML"
check_body_contains 'class="settings-panel-body" data-block="loud"' "... the panel's part of the page"
check_body_lacks '<html' "... without the page around it"
check_body_contains 'name="config.template"' "... with the block's fields"
check_body_contains '<code>{{ greet.text }}</code>' "... and the placeholders it may use"
check_body_contains 'name="csrf"' "... a form with its CSRF token"
check_body_contains '>Apply</button>' "... applied, not saved"
req POST "$EDIT/blocks/nope/panel" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=7 --data-urlencode "draft=$NEW"
check_status 404 "no panel for a block the draft has not"
req POST "$EDIT/blocks/loud" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=7 --data-urlencode "draft=$NEW" \
	--data-urlencode 'config.template={{ greet.text }}!' -d settings.retries=2
check_status 200 "the panel's form applied to the draft"
check_body_contains '&quot;template&quot;:&quot;{{ greet.text }}!&quot;' "... the editor drawn from the draft with the new value"
check_body_contains '&quot;settings&quot;:{&quot;retries&quot;:2}' "... and the per-block settings"
req POST "$EDIT/blocks/loud" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=7 --data-urlencode "draft=$NEW" \
	--data-urlencode 'config.template=x' -d settings.retries=lots
check_status 422 "a value that does not parse, refused in the panel"
check_header Content-Type '^text/html' "... with the panel's form again"
check_body_contains 'This was not applied' "... saying so"
check_body_contains 'Write a whole number' "... the field says why"
check_body_contains 'value="lots"' "... what was typed kept"
req POST "$EDIT/blocks/loud" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=7 --data-urlencode "draft=$NEW" \
	--data-urlencode 'config.template={{ loud.text }}'
check_status 422 "a placeholder naming the block itself, refused in the panel"
check_body_contains "a block cannot use its own output (&#39;loud&#39;)" "... with the engine's message"
check_eq "$(row_counts)" "$BEFORE" "the panel stores nothing"

req POST "$EDIT/save" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=7 --data-urlencode "definition=$NEW"
check_status 200 "Save: the draft as a new version"
check_json '.workflow.version' 8 "... version 8"
check_eq "$(ui '$.blocks[1].id')" loud "... stored"
BEFORE=$(row_counts)
req POST "$EDIT/save" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=7 --data-urlencode "definition=$NOLOUD"
check_status 409 "a save made from version 7 when 8 exists is refused"
check_json '.error.message | test("saved again since version 7")' true "... saying so"
req POST "$EDIT/save" "${JSON[@]}" --data-urlencode "csrf=$CSRF" -d version=8 --data-urlencode "definition=[1]"
check_status 422 "a save of something that is not a workflow object"
check_eq "$(row_counts)" "$BEFORE" "refused saves store nothing"

it_done
