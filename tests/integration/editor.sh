#!/bin/bash
# The visual editor without JavaScript, through real nginx with curl, a cookie
# jar and CSRF tokens: build the page-summary workflow (webhook -> http.request
# -> html.extract x2 -> text.template) with the outline's forms alone, run it,
# check the SVG, the refusals (the engine's own messages, what was typed kept),
# a concurrent edit refused with 409, rename, disconnect, delete, tidy up, and
# positions surviving a save, a restore, an export and an import.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start_http_server || it_skip "the test HTTP server did not start (python3 missing?)"
it_start nginx "egress_allow_loopback = yes"

JSON=(-H 'Accept: application/json')
it_setup_owner "editor test pw"
check_eq "$?" 0 "first-run setup signs the owner in"

req POST /workflows --data-urlencode "csrf=$CSRF" --data-urlencode "name=Page summary" \
	--data-urlencode 'definition={"format": 1, "trigger": {"type": "manual"}, "blocks": []}'
check_status 303 "a new, empty workflow"
WF=$(header Location | sed 's|.*/workflows/||')
EDIT=/workflows/$WF/edit

# version [EDITOR]: the version the editor page shows now (what its forms carry).
version() {
	req GET "${1:-$EDIT}"
	VERSION=$(grep -o 'name="version" value="[0-9]*"' "$BODY" | head -n 1 | grep -o '[0-9]*')
}

# post PATH FIELD=VALUE...: one of the editor's forms, made from the current version.
post() {
	local path=$1 args=() field
	shift
	version "${path%%/edit*}/edit"
	for field in "$@"; do
		args+=(--data-urlencode "$field")
	done
	req POST "$path" --data-urlencode "csrf=$CSRF" --data-urlencode "version=$VERSION" "${args[@]}"
}

definition() {
	sql "SELECT definition FROM workflow_versions WHERE workflow_id = $WF ORDER BY version DESC LIMIT 1"
}

echo "# the editor of an empty workflow"
req GET "$EDIT"
check_status 200 "GET $EDIT"
check_security_headers "$EDIT"
check_body_contains '<svg class="graph fit" id="graph"' "the page has the SVG canvas inline, shrunk to fit when small"
check_body_contains 'data-block="trigger"' "the trigger is drawn as the first node"
check_body_contains 'value="http.request"' "the block picker lists http.request"
check_body_contains '<legend>network</legend>' "the picker groups blocks by category"
check_body_contains 'Sends an HTTP request' "the picker shows each block's description"
check_body_contains "href=\"/workflows/$WF/json\"" "the editor links to the JSON view"
req GET "/workflows/$WF"
check_body_contains "href=\"$EDIT\"" "the workflow page links to the editor"

echo "# build it with the outline's forms"
post "$EDIT/trigger" type=webhook
check_status 303 "the trigger becomes a webhook"
post "$EDIT/blocks" type=http.request after=trigger id=fetch
check_status 303 "add http.request first"
check_header Location "/workflows/$WF/edit/blocks/fetch\$" "... then to its settings form"
req GET "$EDIT/blocks/fetch"
check_status 200 "the settings form of fetch"
check_body_contains 'name="config.url"' "a field for the URL"
check_body_contains '<span class="required">required</span>' "the required field is marked"
check_body_contains '<option value="POST">POST</option>' "the method is a select of its enum"
check_body_contains 'name="config.headers"' "headers (an object) have a JSON field"
check_body_contains 'name="settings.retries"' "the per-block settings are there"
check_body_contains 'cannot run yet' "the block's missing URL is shown"
post "$EDIT/blocks/fetch" "config.url=http://127.0.0.1:$HTTP_PORT/echo" config.method=POST \
	'config.body={{ trigger.body.page }}' 'config.headers={"X-Test": "1"}' settings.retries=2
check_status 303 "fetch's settings saved"
check_eq "$(definition | jq -c '.blocks[0] | [.config.method, .config.headers, .settings.retries]')" \
	'["POST",{"X-Test":"1"},2]' "the config and settings are stored with their types"

post "$EDIT/blocks" type=html.extract after=fetch.response id=title
check_status 303 "add html.extract after fetch.response"
post "$EDIT/blocks/title" 'config.xpath=//title'
check_status 303 "title's xpath"
req GET "$EDIT/blocks/title" "${JSON[@]}"
check_json '.placeholders | join(" ")' '{{ trigger }} {{ trigger.body }} {{ trigger.query }} {{ trigger.headers }} {{ fetch.response }}' \
	"the settings form lists the placeholders title may use"
post "$EDIT/blocks" type=html.extract after=fetch id=heading
check_status 303 "add a second html.extract after fetch"
post "$EDIT/blocks/heading" 'config.xpath=//h1' config.mode=text config.all=false config.all=true
check_status 303 "heading's settings (a checkbox sends false, then true)"
check_eq "$(definition | jq -c '.blocks[] | select(.id == "heading") | .config.all')" true "the checkbox is stored as true"
req GET "$EDIT"
check_body_contains "href=\"$EDIT?after=title.out#add\">add a block here</a>" "each output offers to add a block there"
req GET "$EDIT?after=title.out"
check_body_contains '<option value="title.out" selected>title.out</option>' "... and the add form starts there"
post "$EDIT/blocks" type=text.template after=title.out
check_status 303 "add text.template after title, with an id made from its type"
check_header Location "/edit/blocks/template\$" "... named template"
post "$EDIT/edges" from=heading.out to=template.in
check_status 303 "connect heading.out to template.in"
post "$EDIT/blocks/template" 'config.template={{ title.out }} / {{ heading.out }}'
check_status 303 "the template"
post "$EDIT/blocks/template/rename" id=summary
check_status 303 "rename template to summary"
post "$EDIT/trigger" type=webhook reply=summary.text
check_status 303 "the webhook replies with summary.text"
check_eq "$(definition | jq -c '[.edges[] | .from + ">" + .to]')" \
	'["fetch.response>title.html","fetch.response>heading.html","title.out>summary.in","heading.out>summary.in"]' \
	"the edges, the renamed block's included"
check_eq "$(definition | jq -r '.blocks[] | select(.id == "summary") | .config.template')" \
	'{{ title.out }} / {{ heading.out }}' "the template kept its references"
check_eq "$(definition | jq -r .trigger.reply)" summary.text "the trigger's reply names the renamed block"

echo "# the finished workflow"
req GET "$EDIT" "${JSON[@]}"
check_status 200 "the editor's JSON twin"
check_json '.problems | length' 0 "no problems"
check_json '[.drawing.nodes[].id] | join(",")' "trigger,fetch,heading,title,summary" \
	"the nodes, the trigger first, each added block right after the one it follows"
check_json '[.drawing.edges[] | select(.implicit | not)] | length' 4 "four edges drawn"
check_json '[.drawing.edges[] | select(.implicit)] | length' 1 "and the trigger's to fetch"
check_json '[.outline.blocks[].id] | join(",")' "fetch,heading,title,summary" "the outline lists them in run order"
check_json '[.drawing.nodes[] | .x] | (.[0] < .[1] and .[1] < .[2] and .[2] == .[3] and .[3] < .[4])' true \
	"laid out in columns from left to right"
req GET "$EDIT"
check_eq "$(grep -o '<a class="node"' "$BODY" | wc -l)" 5 "five nodes in the SVG"
check_eq "$(grep -o '<path class="edge' "$BODY" | wc -l)" 5 "five edges in the SVG"
check_body_contains 'marker-end="url(#arrow)" d="M' "an edge is a curve with an arrow"
check_body_contains 'data-from="fetch.response" data-to="title.html"' "an edge names its ports"
check_body_contains 'data-port="fetch.response" data-port-kind="output"' "ports carry their names"
check_body_contains "href=\"/workflows/$WF/edit/blocks/title\"" "a node links to its settings"
check_body_lacks 'class="node invalid"' "no block is drawn as invalid"
req POST "/workflows/$WF/run" "${JSON[@]}" --data-urlencode "csrf=$CSRF" \
	--data-urlencode 'input={"body": {"page": "<html><head><title>Axon</title></head><body><h1>Hello</h1></body></html>"}}'
check_status 201 "run it"
RUN=$(jqb .run.id)
it_wait_run "$RUN" succeeded || it_fail "the run succeeds" "$(sql "SELECT error FROM runs WHERE id = $RUN")"
req GET "/runs/$RUN" "${JSON[@]}"
check_json '.run.steps[] | select(.block == "summary") | .outputs.text' 'Axon / ["Hello"]' "the summary is filled"

echo "# refused with the engine's messages"
BEFORE=$(row_counts)
post "$EDIT/edges" from=summary.text to=fetch.body
check_status 422 "a cycle is refused"
check_body_contains 'the edges form a cycle: ' "... with the engine's message"
post "$EDIT/edges" from=title.out to=summary.nope
check_status 422 "a port that does not exist is refused"
check_body_contains "has no input port &#39;nope&#39; (its inputs: in)" "... naming the ports there are"
post "$EDIT/edges" from=title.out to=summary.in
check_status 422 "an edge that exists is refused"
post "$EDIT/edges/delete" from=heading.out to=summary.in
check_status 422 "disconnecting an edge a template needs is refused"
check_body_contains "block &#39;heading&#39; is not upstream of &#39;summary&#39;" "... saying why"
post "$EDIT/blocks/fetch/rename" id=Bad-Id
check_status 422 "a bad id is refused"
check_body_contains "the id &#39;Bad-Id&#39; is not valid" "... with the engine's rule"
post "$EDIT/blocks/fetch" 'config.url=' 'config.headers={"a": ' config.method=PATCH
check_status 422 "settings that do not parse are refused"
check_body_contains 'This is not valid JSON' "... the JSON field says why"
check_body_contains 'Fill this in: the block needs it.' "... the required field says so"
check_body_contains '{&quot;a&quot;: </textarea>' "... what was typed is kept"
check_body_contains '<option value="PATCH" selected>' "... the choice too"
post "$EDIT/blocks/fetch" "config.url=http://127.0.0.1:$HTTP_PORT/echo" 'config.body={{ nothing.here }}'
check_status 422 "a placeholder naming no block is refused"
check_body_contains "unknown placeholder root &#39;nothing&#39;" "... with the engine's message"
check_body_contains '{{ nothing.here }}' "... and the value kept"
post "$EDIT/blocks" type=no.such after=trigger
check_status 422 "an unknown block type is refused"
req POST "$EDIT/tidy" --data-urlencode "csrf=$CSRF"
check_status 400 "a form without its version is refused"
check_eq "$(row_counts)" "$BEFORE" "the refusals wrote nothing"

echo "# the JSON twins of the edits"
version
req POST "$EDIT/edges" "${JSON[@]}" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
	--data "{\"version\": $VERSION, \"from\": \"summary.text\", \"to\": \"fetch.body\"}"
check_status 422 "JSON: a cycle is refused"
check_json '.error.message | test("^This change was not made: .*the edges form a cycle")' true "JSON: with the engine's message"
req POST "$EDIT/blocks/fetch" "${JSON[@]}" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
	--data "{\"version\": $VERSION, \"config.url\": \"http://x\", \"settings.retries\": \"many\"}"
check_status 422 "JSON: a setting that does not parse"
check_json '.error.fields["settings.retries"]' "Write a whole number (such as 10), or leave it empty." "JSON: the field's message"
req POST "$EDIT/blocks/fetch" "${JSON[@]}" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
	--data "{\"version\": $VERSION, \"config.url\": \"http://127.0.0.1:$HTTP_PORT/echo\", \"config.method\": \"POST\",
	\"config.body\": \"{{ trigger.body.page }}\", \"settings.retries\": 101}"
check_status 422 "JSON: a setting out of its bounds"
check_json '.error.fields["settings.retries"]' "Write a whole number from 0 to 100." "JSON: the bounds"
req GET "$EDIT/blocks/fetch" "${JSON[@]}"
check_json '[.fields[] | select(.name == "method") | .options[] | select(.selected) | .value] | join(",")' POST \
	"JSON: the settings form's model"
check_json '.settings[] | select(.name == "retries") | [.value, .min, .max] | join(",")' "2,0,100" "JSON: a setting, with its bounds"

echo "# a concurrent edit"
version
OLD=$VERSION
post "$EDIT/blocks" type=json.set after=summary.text id=extra
check_status 303 "someone adds a block"
req POST "$EDIT/edges/delete" --data-urlencode "csrf=$CSRF" --data-urlencode "version=$OLD" \
	--data-urlencode from=summary.text --data-urlencode to=extra.in
check_status 409 "an edit made from the version before is refused"
check_body_contains "saved again since version $OLD" "... saying so"
check_body_contains 'Reload the editor' "... offering to reload"
req POST "$EDIT/tidy" "${JSON[@]}" --data-urlencode "csrf=$CSRF" --data-urlencode "version=$OLD"
check_status 409 "JSON: 409 too"
check_json '.error.message | test("saved again since version")' true "JSON: the message"
check_eq "$(definition | jq -c '[.edges[] | select(.to == "extra.in")] | length')" 1 "the other edit stays"
post "$EDIT/edges/delete" from=summary.text to=extra.in
check_status 303 "disconnect, made from the version there is"
post "$EDIT/blocks/extra/delete"
check_status 303 "delete a block"
check_eq "$(definition | jq -c '[.blocks[].id]')" '["fetch","heading","title","summary"]' "the block is gone"

echo "# positions"
check_eq "$(definition | jq -c '[.blocks[] | has("ui")] | any')" false "no positions before tidy up"
post "$EDIT/tidy"
check_status 303 "tidy up"
TIDY=$(sql "SELECT max(version) FROM workflow_versions WHERE workflow_id = $WF")
check_eq "$(definition | jq -c '[.trigger, .blocks[] | .ui | (.x | type) == "number"] | all')" true "every node has a position"
UI=$(definition | jq -c '[.blocks[].ui]')
req GET "$EDIT" "${JSON[@]}"
check_eq "$(jq -c '[.drawing.nodes[1:][] | {x, y}]' "$BODY")" "$UI" "the canvas draws the stored positions"
# Moved by hand (what the script layer will post): the JSON form keeps it.
MOVED=$(definition | jq -c '.blocks[0].ui = {"x": 40, "y": 500}')
req POST "/workflows/$WF" --data-urlencode "csrf=$CSRF" --data-urlencode "name=Page summary" \
	--data-urlencode "definition=$MOVED"
check_status 303 "save with a position moved"
req GET "$EDIT" "${JSON[@]}"
check_json '.drawing.nodes[1] | [.x, .y] | join(",")' "40,500" "the canvas follows"
req POST "/workflows/$WF/versions/$TIDY/restore" --data-urlencode "csrf=$CSRF"
check_status 303 "restore the tidy version"
check_eq "$(definition | jq -c '[.blocks[].ui]')" "$UI" "positions are restored"
req GET "/workflows/$WF/export"
check_eq "$(jq -c '[.definition.blocks[].ui]' "$BODY")" "$UI" "the export has the positions"
cp "$BODY" "$IT_TMP/export.json"
req POST /workflows/import -F "csrf=$CSRF" -F "suffix=1" -F "file=@$IT_TMP/export.json;type=application/json"
check_status 303 "import it (under a free name: names are unique)"
NEW=$(header Location | sed 's|.*/workflows/||')
check_eq "$(sql "SELECT definition FROM workflow_versions WHERE workflow_id = $NEW" | jq -c '[.blocks[].ui]')" "$UI" \
	"the import has the positions"
post "$EDIT/blocks/title" 'config.xpath=//title' 'config.mode=html'
check_eq "$(definition | jq -c '[.blocks[].ui]')" "$UI" "a settings save keeps the positions"
post "$EDIT/blocks" type=json.set after=summary.text id=last
LAST_X=$(definition | jq '.blocks[] | select(.id == "last") | .ui.x')
SUMMARY_X=$(definition | jq '.blocks[] | select(.id == "summary") | .ui.x')
check_eq "$((LAST_X > SUMMARY_X))" 1 "a block added after another goes to its right"

echo "# a problem that was there is not new when it moves"
req POST /workflows --data-urlencode "csrf=$CSRF" --data-urlencode "name=Broken edge" \
	--data-urlencode 'definition={"format": 1, "trigger": {"type": "manual"}, "blocks": [{"id": "a", "type": "json.set"},
	{"id": "b", "type": "json.set"}], "edges": [{"from": "a.out", "to": "b.in"}, {"from": "b.out", "to": "nobody.in"}]}'
BROKEN=$(header Location | sed 's|.*/workflows/||')
post "/workflows/$BROKEN/edit/edges/delete" from=a.out to=b.in
check_status 303 "an edge removed before a broken one (its message now says edges[0])"

echo "# escaping and roles"
req POST /workflows --data-urlencode "csrf=$CSRF" --data-urlencode "name=<b>bold</b>" \
	--data-urlencode 'definition={"format": 1, "trigger": {"type": "manual"}, "blocks": [{"id": "x", "type": "<script>alert(1)</script>"}]}'
XSS=$(header Location | sed 's|.*/workflows/||')
req GET "/workflows/$XSS/edit"
check_status 200 "the editor of a workflow with an unknown type"
check_body_lacks '<script>alert' "the type is not markup"
check_body_contains 'unknown type &lt;script&gt;' "... it is shown escaped"
check_body_contains 'class="node invalid"' "... and the block drawn as invalid"
check_body_contains '&lt;b&gt;bold&lt;/b&gt;' "the name is escaped"
post "/workflows/$XSS/edit/blocks/x/delete"
check_status 303 "deleting the last block leaves the trigger alone (a workflow being built)"
check_eq "$(sql "SELECT json_array_length(definition, '$.blocks') FROM workflow_versions WHERE workflow_id = $XSS ORDER BY version DESC LIMIT 1")" 0 \
	"... with no block"
req GET "/workflows/$WF/edit/blocks/nope"
check_status 404 "the settings of a block that is not there"
req POST "$EDIT/tidy" --data-urlencode "version=1"
check_status 403 "a form without the CSRF token is refused"

req POST /users --data-urlencode "csrf=$CSRF" --data-urlencode username=vi \
	--data-urlencode 'password=viewer password' --data-urlencode role=viewer
check_status 303 "a viewer"
JAR=$IT_TMP/viewer.jar
req GET /login
req POST /login --data-urlencode "csrf=$(csrf_from_body)" --data-urlencode username=vi \
	--data-urlencode 'password=viewer password'
check_status 303 "the viewer signs in"
req GET "/workflows/$WF"
check_body_lacks "href=\"$EDIT\"" "the viewer is not offered the editor"
req GET "$EDIT"
check_status 403 "the viewer cannot open the editor"
req GET "$EDIT/blocks/fetch"
check_status 403 "nor a block's settings"

it_done
