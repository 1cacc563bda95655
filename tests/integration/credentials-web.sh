#!/bin/bash
# Credentials through real nginx, with a browser's cookie jar and CSRF token
# and with the JSON API: the list (names only for a viewer), a new one from
# the form its type's schema builds, its page where secret fields are never
# shown back and an empty one keeps its value, a share, the test through the
# broker against a local server, delete refused while used unless confirmed;
# a workflow using it whose answer echoes the token comes back masked in the
# run page, the API and the export, which names the credential only.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start_http_server || it_skip "the test HTTP server did not start (python3 missing?)"
it_start nginx "egress_allow_loopback = yes"
it_setup_owner "cred page pw"
check_eq "$?" 0 "first-run setup signs the owner in"
it_api_token creds
ORIGIN=http://127.0.0.1:$HTTP_PORT
SECRET=tok-WEB-SECRET-77

echo "# the form, with the cookie jar and CSRF"
req GET /credentials
check_status 200 "the list"
check_body_contains 'href="/credentials/new?type=bearer"' "... offers each type"
req GET "/credentials/new?type=bearer"
check_status 200 "the form of a bearer token"
check_body_contains 'type="password" autocomplete="off" value="" id="field-token" name="fields.token"' "... the token is a password field, empty"
CSRF=$(csrf_from_body)
req POST /credentials --data-urlencode "csrf=$CSRF" --data type=bearer --data-urlencode name=web-token \
	--data-urlencode "fields.token=$SECRET" --data-urlencode "fields.allowed_origins=$ORIGIN" \
	--data-urlencode "fields.test_url=$ORIGIN/auth"
check_status 303 "a new credential"
LOC=$(header Location)
ID=${LOC##*/}
check_eq "$LOC" "/credentials/$ID" "... leads to its page"
req POST /credentials --data type=bearer --data-urlencode name=no-csrf --data-urlencode "fields.token=x"
check_status 403 "a post without the CSRF token is refused"
req POST /credentials --data-urlencode "csrf=$CSRF" --data type=bearer --data-urlencode name=empty
check_status 400 "a credential without its token"
check_body_contains "the field &#39;token&#39; is required" "... says which field"
req GET "$LOC"
check_status 200 "its page"
check_body_lacks "$SECRET" "... never shows the token"
check_body_contains "Stored, and never shown: leave it empty to keep it." "... says it is stored"
check_body_contains "value=\"$ORIGIN\"" "... shows the plain fields"
CSRF=$(csrf_from_body)
req POST "$LOC" --data-urlencode "csrf=$CSRF" --data-urlencode name=web-token --data-urlencode "fields.token=" \
	--data-urlencode "fields.allowed_origins=$ORIGIN" --data-urlencode "fields.test_url=$ORIGIN/auth"
check_status 303 "saved with the token left empty"
req POST "$LOC/test" --data-urlencode "csrf=$CSRF"
check_status 200 "the test"
check_body_contains "Test passed: the server answered <strong>200</strong>" "... passes: the token was kept"
check_eq "$(curl -s "$ORIGIN/seen" | grep -c "/auth Authorization: Bearer $SECRET")" 1 "the server got the token"
check_eq "$(sql "SELECT count(*) FROM audit_log WHERE action IN ('credential.create', 'credential.update', 'credential.test')")" 3 \
	"the creation, the change and the test are in the audit log"

echo "# the JSON API"
req POST /credentials "${API[@]}" -H 'Content-Type: application/json' \
	--data '{"name": "api-basic", "type": "basic", "fields": {"username": "ada", "password": "pw-API-SECRET"}}'
check_status 201 "a credential made with the API"
BASIC=$(jqb .id)
req POST /credentials "${API[@]}" -H 'Content-Type: application/json' --data '{"name": "x", "type": "basic", "fields": {"username": "ada"}}'
check_status 400 "... a missing password"
check_json '.error.fields["fields.password"]' "basic: the field 'password' is required" "... names the field"
req POST /credentials "${API[@]}" -H 'Content-Type: application/json' --data '{"name": "WEB-TOKEN", "type": "bearer", "fields": {"token": "t"}}'
check_status 409 "... a name in use"
req GET /credentials "${API[@]}"
check_json '[.credentials[] | .name + ":" + .type + ":" + .owner] | join(",")' "api-basic:basic:owner,web-token:bearer:owner" \
	"the list gives names, types and owners"
check_body_lacks "SECRET" "... and no secret"
req GET "/credentials/$BASIC" "${API[@]}"
check_json '.credential.fields | keys | join(",")' "username" "a credential's JSON has its plain fields only"

echo "# a viewer sees names only"
req POST /users "${API[@]}" --data username=vic --data role=viewer --data-urlencode "password=viewer pw 1" \
	--data-urlencode "password_confirm=viewer pw 1"
VJAR=$IT_TMP/viewer.jar
JAR=$VJAR req GET /login
JAR=$VJAR req POST /login --data-urlencode "csrf=$(csrf_from_body)" --data username=vic --data-urlencode "password=viewer pw 1"
JAR=$VJAR req GET /credentials -H 'Accept: application/json'
check_json '[.credentials[] | keys | join("+")] | join(",")' "name,name" "a viewer's list has names and nothing else"
JAR=$VJAR req GET "/credentials/$ID" -H 'Accept: application/json'
check_status 403 "a viewer cannot open one"

echo "# a workflow using it: masked in the run page, the API and the export"
it_create_workflow "Echo" "{\"format\": 1, \"trigger\": {\"type\": \"manual\"},
  \"blocks\": [{\"id\": \"call\", \"type\": \"http.request\", \"config\": {\"url\": \"$ORIGIN/auth\", \"credential\": \"$ID\"}}]}"
check_status 201 "a workflow whose http.request uses the credential"
ECHO=$WF
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={}'
check_json .run.status succeeded "its run"
RUN=$(jqb .run.id)
req GET "/runs/$RUN" "${API[@]}"
check_json '.run.steps[0].outputs.response.body' "Bearer ****" "the answer echoing the token is masked in the API"
check_body_lacks "$SECRET" "... which holds no token"
req GET "/runs/$RUN"
check_body_contains "Bearer ****" "the run page shows it masked"
check_body_lacks "$SECRET" "... and holds no token"
req GET "/workflows/$WF/export" "${API[@]}"
check_json '.definition.blocks[0].config.credential' "web-token" "the export names the credential"
check_json '.credentials | tojson' '[{"name":"web-token","type":"bearer"}]' "... and lists its name and type only"
check_body_lacks "$SECRET" "... never its value"
req GET "/credentials/$ID" "${API[@]}"
check_json '.credential.workflows[0].name' "Echo" "the credential lists the workflow that used it"

# A block that builds the token from pieces (so that no definition holds
# it) and puts it in a log line and its error.
LEAK='local s = "tok-WEB-" .. "SECRET-77"
log("the token is " .. s)
fail("failing with " .. s)'
it_create_workflow "Leak" "$(jq -n --arg code "$LEAK" '{format: 1, trigger: {type: "manual"},
  blocks: [{id: "leak", type: "code.lua", config: {code: $code}}]}')"
req POST "/workflows/$WF/run?wait=30" "${API[@]}" --data 'input={}'
check_json .run.status failed "a run whose block logs the token and fails with it"
RUN=$(jqb .run.id)
req GET "/runs/$RUN" "${API[@]}"
check_json '.run.steps[0].error' "failing with ****" "the error is masked in the API"
check_json '[.run.steps[0].logs[].message] | map(select(test("token"))) | join(",")' "the token is ****" \
	"... and the log line"
check_body_lacks "$SECRET" "... which holds no token"
req GET "/runs/$RUN"
check_body_contains "failing with ****" "the run page shows the error masked"
check_body_lacks "$SECRET" "... and holds no token"

echo "# the editor's settings form"
req GET "/workflows/$ECHO/edit/blocks/call"
check_status 200 "the settings of the http.request block"
check_body_contains "<option value=\"$ID\" selected>web-token (bearer)</option>" "the credential field is a select, its credential chosen"
check_body_contains "<option value=\"$BASIC\">api-basic (basic)</option>" "... offering the others the block accepts"
check_body_contains '<a href="/credentials/new?type=api_key">create new</a>' "... with a link to create one"

echo "# delete"
req POST "/credentials/$ID/delete" "${API[@]}"
check_status 409 "deleting a used credential is refused"
check_json .error.message "credential $ID is used by 1 workflow: confirm to delete it anyway (their runs will fail until they name another)" \
	"... saying what to do"
req POST "/credentials/$ID/delete" "${API[@]}" --data confirm=yes
check_status 200 "... and done when confirmed"
check_eq "$(sql "SELECT count(*) FROM credentials WHERE id = $ID")" 0 "it is gone"
it_done
