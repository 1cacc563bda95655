#!/bin/bash
# The edits the editor's script makes beyond the outline's forms, through real
# nginx with curl: a block's position (POST /workflows/ID/edit/positions) and
# undo (POST /workflows/ID/edit/revert), as forms and as JSON, with their CSRF
# token, their version (409 when stale) and bad input refused with nothing
# changed; the script's modules served under /static/editor/.
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

it_done
