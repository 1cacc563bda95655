# The whole web flow of docs/api.md through one front, sourced by
# nginx-flow.sh and apache-flow.sh with FRONT set: setup, sign-in, workflows
# and their versions, export/import, roles, API tokens, escaping, refusals
# (which must write nothing), sign-out, and login throttling last (it locks
# out the test's own address).
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_start "${FRONT:?set by nginx-flow.sh or apache-flow.sh}"

JSON=(-H 'Accept: application/json')
OWNER_PW='correct horse battery'

# sign_in JAR USER PASSWORD: a fresh cookie jar signed in (the login form's
# CSRF token goes with the pre-session cookie axon_csrf). Sets CSRF to the
# session's token, read from the sign-out form of /account.
sign_in() {
	JAR=$1
	: >"$JAR"
	req GET /login
	CSRF=$(csrf_from_body)
	req POST /login --data-urlencode "csrf=$CSRF" --data-urlencode "username=$2" --data-urlencode "password=$3"
	check_status 303 "$2 signs in"
	LOGIN_LOCATION=$(header Location)
	req GET /account
	CSRF=$(csrf_from_body)
}

# The id at the end of the Location of the last answer (/workflows/ID).
location_id() {
	header Location | sed -n 's|.*/workflows/\([0-9][0-9]*\)$|\1|p'
}

echo "# health and headers"
req GET /healthz
check_status 200 "GET /healthz"
check_eq "$(cat "$BODY")" ok "/healthz says ok"
check_security_headers "/healthz"
req GET /healthz "${JSON[@]}"
check_json .status ok "/healthz as JSON"

echo "# first-run setup"
JAR=$IT_TMP/owner.jar
req GET /workflows "${JSON[@]}"
check_status 401 "JSON before setup needs a session"
req GET /setup
check_status 200 "GET /setup while no user exists"
check_security_headers "/setup"
CSRF=$(csrf_from_body)
check_eq "$([ -n "$CSRF" ] && echo yes)" yes "the setup form carries a CSRF token"
check_body_contains 'Create owner account' "the setup page has its button"
before=$(row_counts)
req POST /setup --data-urlencode username=owner --data-urlencode "password=$OWNER_PW" \
	--data-urlencode "password_confirm=$OWNER_PW"
check_status 403 "POST /setup without the CSRF token"
req POST /setup --data-urlencode "csrf=$CSRF" --data-urlencode username=owner \
	--data-urlencode "password=$OWNER_PW" --data-urlencode "password_confirm=not the same"
check_status 400 "POST /setup with passwords that differ"
check_eq "$(row_counts)" "$before" "refused setups wrote nothing"
req POST /setup --data-urlencode "csrf=$CSRF" --data-urlencode username=owner \
	--data-urlencode "password=$OWNER_PW" --data-urlencode "password_confirm=$OWNER_PW"
check_status 303 "POST /setup creates the owner"
check_header Location '/workflows$' "setup goes on to /workflows"
check_header Set-Cookie '^axon_session=' "setup signs the owner in"
session_cookie=$(grep -i '^Set-Cookie: axon_session=' "$HEADERS" | tr -d '\r')
check_eq "$(grep -ci 'HttpOnly' <<<"$session_cookie")" 1 "the session cookie is HttpOnly"
check_eq "$(grep -ci 'SameSite=Lax' <<<"$session_cookie")" 1 "the session cookie is SameSite=Lax"
check_eq "$(sql 'SELECT count(*) FROM users')" 1 "one user after setup"
req GET /setup
check_status 303 "GET /setup once a user exists"
check_header Location '/login' "... redirects to /login"
req POST /setup --data-urlencode "csrf=$CSRF" --data-urlencode username=second \
	--data-urlencode "password=$OWNER_PW" --data-urlencode "password_confirm=$OWNER_PW"
check_status 403 "POST /setup once a user exists"
check_eq "$(sql 'SELECT count(*) FROM users')" 1 "still one user"

req GET /users "${JSON[@]}"
check_json '[.users[] | select(.username == "owner") | .role] | join(",")' owner "the first user is the owner"

echo "# not signed in"
JAR=
req GET /workflows
check_status 303 "HTML without a session"
check_header Location '^(http://[^/]*)?/login\?next=' "... goes to /login?next=..."
req GET /workflows "${JSON[@]}"
check_status 401 "JSON without a session"
check_json .error.status 401 "... with a JSON error"

echo "# sign in"
JAR=$IT_TMP/owner.jar
: >"$JAR"
req GET /login
check_status 200 "GET /login"
check_body_contains 'Sign in' "the login page has its button"
req POST /login --data-urlencode username=owner --data-urlencode "password=$OWNER_PW"
check_status 403 "POST /login without the CSRF token"
sign_in "$IT_TMP/owner.jar" owner "$OWNER_PW"
check_eq "$(grep -cE '^(http://[^/]*)?/workflows$' <<<"$LOGIN_LOCATION")" 1 "login goes on to /workflows"
# next: only a local path is followed (no open redirect).
for next in /workflows/new //evil.example/x 'https://evil.example/x' '/\evil.example/x'; do
	JAR=$IT_TMP/next.jar
	: >"$JAR"
	req GET /login
	req POST /login --data-urlencode "csrf=$(csrf_from_body)" --data-urlencode username=owner \
		--data-urlencode "password=$OWNER_PW" --data-urlencode "next=$next"
	check_status 303 "login with next=$next"
	if [ "$next" = /workflows/new ]; then
		check_header Location '^(http://127\.0\.0\.1:[0-9]+)?/workflows/new$' "... goes to $next"
	else
		check_header Location '^(http://127\.0\.0\.1:[0-9]+)?/[^/\\]' "... stays on this site"
	fi
done
JAR=$IT_TMP/owner.jar
req GET /workflows
check_status 200 "GET /workflows signed in"
check_security_headers "an HTML page"
check_body_contains 'New workflow' "the list offers New workflow"
check_body_contains 'Sign out' "the page offers Sign out"
check_eq "$([ -n "$CSRF" ] && echo yes)" yes "signed-in pages carry a CSRF token"
OWNER_CSRF=$CSRF

echo "# create"
req GET /workflows/new
check_status 200 "GET /workflows/new"
for field in name description tags definition; do
	check_body_contains "id=\"$field\"" "the new-workflow form has the field $field"
done
before=$(sql 'SELECT count(*) FROM workflows')
req POST /workflows --data-urlencode "csrf=$CSRF" --data-urlencode 'name=Nightly report' \
	--data-urlencode 'description=Sends the report' --data-urlencode 'tags=reports,nightly' \
	--data-urlencode 'definition={"blocks":[]}'
check_status 303 "create a workflow with the form"
WF=$(location_id)
check_eq "$([ -n "$WF" ] && echo yes)" yes "... answers Location /workflows/ID"
check_eq "$(sql 'SELECT count(*) FROM workflows')" "$((before + 1))" "... one workflow more"
req GET "/workflows/$WF"
check_status 200 "GET /workflows/$WF"
check_body_contains 'Nightly report' "the page shows the name"
check_body_contains 'Sends the report' "the page shows the description"
req GET "/workflows/$WF" "${JSON[@]}"
check_security_headers "a JSON answer"
check_json .workflow.name 'Nightly report' "JSON: name"
check_json '.workflow.tags | join(",")' 'reports,nightly' "JSON: tags"
check_json '.workflow.definition.blocks | length' 0 "JSON: definition"
check_json .workflow.version 1 "JSON: version 1"
check_json .workflow.created_by owner "JSON: created_by"
req POST /workflows -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" \
	--data '{"name":"From JSON","description":"","tags":"api","definition":"{\"x\":1}"}'
check_status 201 "create a workflow with a JSON body"
JSON_WF=$(jqb .workflow.id)
check_json .workflow.name 'From JSON' "... answers the workflow"

echo "# edit, versions, restore"
req GET "/workflows/$WF/json"
check_status 200 "GET /workflows/$WF/json"
check_body_contains 'Nightly report' "the edit form holds the name"
req POST "/workflows/$WF" --data-urlencode "csrf=$CSRF" --data-urlencode 'name=Weekly report' \
	--data-urlencode 'description=Now weekly' --data-urlencode 'tags=reports' \
	--data-urlencode 'definition={"blocks":[],"note":2}'
check_status 303 "save a new version"
check_header Location "/workflows/$WF\$" "... back to the workflow"
req GET "/workflows/$WF" "${JSON[@]}"
check_json .workflow.name 'Weekly report' "the new name"
check_json .workflow.version 2 "version 2"
check_json .workflow.versions 2 "two versions"
req GET "/workflows/$WF/versions" "${JSON[@]}"
check_status 200 "GET versions"
check_json '.versions | length' 2 "two versions listed"
req GET "/workflows/$WF/versions/1" "${JSON[@]}"
check_status 200 "GET version 1"
check_body_contains 'Nightly report' "version 1 has the old name"
req GET "/workflows/$WF/versions/1"
check_body_contains 'Restore this version' "version 1's page offers Restore this version"
req POST "/workflows/$WF/versions/1/restore" --data-urlencode "csrf=$CSRF"
check_status 303 "restore version 1"
req GET "/workflows/$WF" "${JSON[@]}"
check_json .workflow.version 3 "restoring makes version 3"
check_json .workflow.name 'Nightly report' "... equal to version 1"
check_json '.workflow.definition | has("note")' false "... with version 1's definition"
check_eq "$(sql "SELECT count(*) FROM workflow_versions WHERE workflow_id = $WF")" 3 "three version rows"

echo "# search"
req GET '/workflows?q=NIGHTLY' "${JSON[@]}"
check_json '[.workflows[].name] | join(",")' 'Nightly report' "search by name, any case"
req GET '/workflows?tag=api' "${JSON[@]}"
check_json '[.workflows[].name] | join(",")' 'From JSON' "search by tag"
check_json .total 1 "... with the total"

echo "# export and import"
req GET "/workflows/$WF/export"
check_status 200 "export"
check_header Content-Disposition '^attachment; filename="[^"/]+\.json"$' "... as an attachment"
check_json .axon_workflow 1 "the export is an axon_workflow 1 document"
check_json .name 'Nightly report' "... with the name"
cp "$BODY" "$IT_TMP/export.json"
req POST /workflows/import -F "csrf=$CSRF" -F "file=@$IT_TMP/export.json;type=application/json"
check_status 409 "import the export of a workflow that is there: its name is taken"
check_body_contains 'A workflow named &quot;Nightly report&quot; exists already' "... says so"
check_body_contains 'value="Nightly report (2)"' "... and offers a free name"
DOCUMENT=$(grep -o '<input type="hidden" name="document"' "$BODY")
check_eq "$DOCUMENT" '<input type="hidden" name="document"' "... keeping the file"
req POST /workflows/import -F "csrf=$CSRF" -F "document=<$IT_TMP/export.json" -F "name=Nightly report (2)"
check_status 303 "import it under the free name (multipart)"
IMPORTED=$(location_id)
check_eq "$([ -n "$IMPORTED" ] && [ "$IMPORTED" != "$WF" ] && echo new)" new "... as a new workflow"
req GET "/workflows/$IMPORTED" "${JSON[@]}"
check_json .workflow.name 'Nightly report (2)' "the import has the name"
check_json '.workflow.tags | join(",")' 'reports,nightly' "... and the tags"
req POST /workflows/import -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" \
	--data-binary "@$IT_TMP/export.json"
check_status 409 "import the export (JSON body): its name is taken"
check_json .error.fields.suggested_name 'Nightly report (3)' "... with a free name"
req POST '/workflows/import?suffix=1' -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" \
	--data-binary "@$IT_TMP/export.json"
check_status 201 "import the export (JSON body) with suffix=1"
check_json .workflow.name 'Nightly report (3)' "... takes the free name"
req POST /workflows "${JSON[@]}" --data-urlencode "csrf=$CSRF" --data-urlencode 'name=NIGHTLY REPORT'
check_status 409 "a new workflow cannot take a name in use, in any case"
check_json .error.fields.name 'a workflow named "NIGHTLY REPORT" exists already (names are unique, whatever their case): choose another name' \
	"... and says why"
before=$(row_counts)
printf '{"name":"no marker"}' >"$IT_TMP/bad-export.json"
req POST /workflows/import -F "csrf=$CSRF" -F "file=@$IT_TMP/bad-export.json"
check_status 400 "import a file that is no export"
check_eq "$(row_counts)" "$before" "... wrote nothing"

echo "# escaping"
XSS1='<script>alert(1)</script>'
XSS2='"><img src=x onerror=alert(1)>'
req POST /workflows --data-urlencode "csrf=$CSRF" --data-urlencode "name=$XSS1" --data-urlencode 'definition={}'
check_status 303 "a workflow named $XSS1"
XSS_WF=$(location_id)
req POST /workflows --data-urlencode "csrf=$CSRF" --data-urlencode "name=$XSS2" --data-urlencode "description=$XSS1"
check_status 303 "a workflow named $XSS2 (definition defaults to {})"
XSS_WF2=$(location_id)
req GET /workflows
check_body_lacks '<script>alert' "the list does not carry the script"
check_body_lacks '<img src=x' "the list does not carry the img"
check_body_contains '&lt;script&gt;alert(1)&lt;/script&gt;' "the list shows the script escaped"
check_body_contains '&lt;img src=x onerror=alert(1)&gt;' "the list shows the img escaped"
for page in "/workflows/$XSS_WF" "/workflows/$XSS_WF2" "/workflows/$XSS_WF2/json" "/workflows/$XSS_WF2/edit"; do
	req GET "$page"
	check_status 200 "GET $page"
	check_body_lacks '<script>alert' "$page does not carry the script"
	check_body_lacks '<img src=x' "$page does not carry the img"
done
req GET "/workflows/$XSS_WF2" "${JSON[@]}"
check_json .workflow.name "$XSS2" "JSON gives the name back as it was"

echo "# refusals write nothing"
before=$(row_counts)
req POST /workflows --data-urlencode 'name=No token' --data-urlencode 'definition={}'
check_status 403 "POST without the CSRF token"
req POST /workflows --data-urlencode 'csrf=forged' --data-urlencode 'name=Wrong token'
check_status 403 "POST with a wrong CSRF token"
req POST /workflows "${JSON[@]}" -H 'Content-Type: application/json' --data '{"name":"JSON, no token"}'
check_status 403 "JSON POST with a session but no CSRF token"
check_json .error.status 403 "... with a JSON error"
req POST /workflows --data-urlencode "csrf=$CSRF" --data-urlencode 'name=Bad JSON' --data-urlencode 'definition={"blocks": ['
check_status 400 "a definition that is not JSON"
req POST /workflows "${JSON[@]}" --data-urlencode "csrf=$CSRF" --data-urlencode 'name=Bad JSON' \
	--data-urlencode 'definition={"blocks": ['
check_status 400 "... as JSON"
check_json '.error.fields.definition | length > 0' true "... names the field definition"
req POST /workflows --data-urlencode "csrf=$CSRF" --data-urlencode 'name=Array' --data-urlencode 'definition=[1,2]'
check_status 400 "a definition that is not an object"
req POST /workflows --data-urlencode "csrf=$CSRF" --data-urlencode 'name='
check_status 400 "an empty name"
req POST /workflows --data-urlencode "csrf=$CSRF" --data-urlencode "name=$(printf 'n%.0s' {1..201})"
check_status 400 "a name of 201 characters"
req POST /workflows --data-urlencode "csrf=$CSRF" --data-urlencode 'name=Bad tag' --data-urlencode 'tags=ok,not ok'
check_status 400 "a tag with a space"
req POST "/workflows/$WF" --data-urlencode "csrf=$CSRF" --data-urlencode 'name=Broken' --data-urlencode 'definition=nope'
check_status 400 "saving a bad definition"
head -c 70000 /dev/zero | tr '\0' a >"$IT_TMP/big"
req POST /workflows -H "X-CSRF-Token: $CSRF" --data-urlencode 'name=Big' --data-urlencode "description@$IT_TMP/big"
check_status 413 "a body over max_body"
req POST /workflows "${JSON[@]}" -H "X-CSRF-Token: $CSRF" --data-urlencode 'name=Big' --data-urlencode "description@$IT_TMP/big"
check_status 413 "... as JSON"
check_json .error.status 413 "... with a JSON error"
head -c 2000000 /dev/zero | tr '\0' a >"$IT_TMP/huge"
req POST /workflows -H "X-CSRF-Token: $CSRF" --data-binary "@$IT_TMP/huge"
check_status 413 "a body over the front's limit"
check_eq "$(row_counts)" "$before" "none of these wrote anything"
check_eq "$(sql "SELECT count(*) FROM workflow_versions WHERE workflow_id = $WF")" 3 "still three versions"

echo "# unknown routes and methods"
req GET /no/such/page
check_status 404 "an unknown route"
check_security_headers "a 404"
req GET /no/such/page "${JSON[@]}"
check_status 404 "an unknown route, JSON"
check_json .error.status 404 "... with a JSON error"
req GET /workflows/999999 "${JSON[@]}"
check_status 404 "a workflow that does not exist"
req DELETE /workflows
check_status 405 "DELETE /workflows"
check_header Allow 'GET' "... with Allow"
req PUT /healthz
check_status 405 "PUT /healthz"
req DELETE "/workflows/$WF" "${JSON[@]}"
check_status 405 "DELETE /workflows/ID as JSON"
check_json .error.status 405 "... with a JSON error"
check_security_headers "a 405"

echo "# users and roles"
req GET /users
check_status 200 "the owner sees /users"
before=$(row_counts)
req POST /users --data-urlencode "csrf=$CSRF" --data-urlencode username=ed \
	--data-urlencode 'password=editor password' --data-urlencode role=editor
check_status 303 "the owner creates an editor"
req POST /users "${JSON[@]}" --data-urlencode "csrf=$CSRF" --data-urlencode username=vi \
	--data-urlencode 'password=viewer password' --data-urlencode role=viewer
check_status 201 "the owner creates a viewer (JSON)"
VIEWER_ID=$(sql "SELECT id FROM users WHERE username = 'vi'")
mid=$(row_counts)
req POST /users --data-urlencode "csrf=$CSRF" --data-urlencode username=ed \
	--data-urlencode 'password=another password' --data-urlencode role=viewer
check_status 409 "a duplicate user name"
req POST /users --data-urlencode "csrf=$CSRF" --data-urlencode username=boss \
	--data-urlencode 'password=boss password' --data-urlencode role=emperor
check_status 400 "an unknown role"
check_eq "$(row_counts)" "$mid" "refused users wrote nothing"
check_eq "$(sql 'SELECT count(*) FROM users')" 3 "three users"
OWNER_ID=$(sql "SELECT id FROM users WHERE username = 'owner'")
req POST "/users/$OWNER_ID/disable" --data-urlencode "csrf=$CSRF"
check_status 400 "the owner cannot disable themself"

sign_in "$IT_TMP/viewer.jar" vi 'viewer password'
req GET /workflows
check_status 200 "a viewer sees the list"
req GET "/workflows/$WF"
check_status 200 "a viewer sees a workflow"
before=$(row_counts)
req GET /workflows/new
check_status 403 "a viewer cannot open the new-workflow form"
req POST /workflows --data-urlencode "csrf=$CSRF" --data-urlencode 'name=By a viewer'
check_status 403 "a viewer cannot create"
req POST "/workflows/$WF/delete" --data-urlencode "csrf=$CSRF"
check_status 403 "a viewer cannot delete"
check_eq "$(row_counts)" "$before" "the viewer wrote nothing"

sign_in "$IT_TMP/editor.jar" ed 'editor password'
EDITOR_JAR=$JAR
EDITOR_CSRF=$CSRF
req GET /users
check_status 403 "an editor cannot see /users"
req POST /users --data-urlencode "csrf=$CSRF" --data-urlencode username=sneaky \
	--data-urlencode 'password=sneaky password' --data-urlencode role=owner
check_status 403 "an editor cannot create users"
check_eq "$(sql 'SELECT count(*) FROM users')" 3 "still three users"
req POST /workflows --data-urlencode "csrf=$CSRF" --data-urlencode 'name=By the editor'
check_status 303 "an editor creates a workflow"

echo "# disabled users"
JAR=$IT_TMP/owner.jar
req POST "/users/$VIEWER_ID/disable" --data-urlencode "csrf=$OWNER_CSRF"
check_status 303 "the owner disables the viewer"
JAR=$IT_TMP/viewer.jar
req GET /workflows "${JSON[@]}"
check_status 401 "a disabled user's session ends"
JAR=$IT_TMP/owner.jar
req POST "/users/$VIEWER_ID/enable" --data-urlencode "csrf=$OWNER_CSRF"
check_status 303 "the owner enables the viewer again"

echo "# API tokens"
JAR=$EDITOR_JAR
req GET /tokens
check_status 200 "GET /tokens"
before=$(row_counts)
req POST /tokens "${JSON[@]}" -H "X-CSRF-Token: $EDITOR_CSRF" --data-urlencode name=ci
check_status 201 "create a token"
TOKEN=$(jqb .token)
TOKEN_ID=$(jqb .id)
check_eq "${TOKEN:0:5}" axon_ "the token starts with axon_"
check_eq "$(sql "SELECT count(*) FROM api_tokens WHERE name = 'ci'")" 1 "one token row"
check_eq "$(sql "SELECT count(*) FROM api_tokens WHERE token_hash LIKE '%${TOKEN#axon_}%'")" 0 \
	"the token is not stored in clear"
JAR=
BEARER=(-H "Authorization: Bearer $TOKEN")
req GET /workflows "${BEARER[@]}"
check_status 200 "GET /workflows with the token"
check_json '.workflows | length > 0' true "... answers JSON"
check_json '.total >= 5' true "... with the total"
req POST /workflows "${BEARER[@]}" -H 'Content-Type: application/json' --data '{"name":"By token","definition":{}}'
check_status 201 "a token needs no CSRF token"
BY_TOKEN=$(jqb .workflow.id)
req GET /users "${BEARER[@]}"
check_status 403 "the editor's token cannot see /users"
# The blocks the sandbox loaded from the build tree, with the page that lists them.
req GET /blocks "${BEARER[@]}"
check_status 200 "GET /blocks"
check_json '[.blocks[].name] | index("text.template") != null' true "... lists text.template"
check_json '[.blocks[].name] | index("http.request") != null' true "... and http.request"
req GET /workflows -H 'Authorization: Bearer axon_not_a_token'
check_status 401 "a made-up token"
JAR=$EDITOR_JAR
req POST "/tokens/$TOKEN_ID/revoke" --data-urlencode "csrf=$EDITOR_CSRF"
check_status 303 "revoke the token"
JAR=
req GET /workflows "${BEARER[@]}"
check_status 401 "a revoked token"
JAR=$IT_TMP/viewer.jar
sign_in "$IT_TMP/viewer.jar" vi 'viewer password'
req POST "/tokens/$TOKEN_ID/revoke" --data-urlencode "csrf=$CSRF"
check_eq "$(case $STATUS in 403 | 404) echo refused ;; *) echo "$STATUS" ;; esac)" refused \
	"another user's token cannot be revoked"

echo "# changing a password"
sign_in "$IT_TMP/editor2.jar" ed 'editor password'
JAR=$EDITOR_JAR
req GET /account
check_status 200 "GET /account"
for field in current_password new_password new_password_confirm; do
	check_body_contains "id=\"$field\"" "the password form has the field $field"
done
req POST /account/password --data-urlencode "csrf=$EDITOR_CSRF" --data-urlencode 'current_password=editor password' \
	--data-urlencode 'new_password=new editor password' --data-urlencode 'new_password_confirm=something else'
check_status 400 "new passwords that differ"
req POST /account/password --data-urlencode "csrf=$EDITOR_CSRF" --data-urlencode 'current_password=editor password' \
	--data-urlencode 'new_password=new editor password' --data-urlencode 'new_password_confirm=new editor password'
check_status 303 "change the password"
req GET /workflows "${JSON[@]}"
check_status 200 "the session that changed it goes on"
JAR=$IT_TMP/editor2.jar
req GET /workflows "${JSON[@]}"
check_status 401 "the editor's other session ended"
sign_in "$IT_TMP/editor2.jar" ed 'new editor password'

echo "# delete"
JAR=$IT_TMP/owner.jar
CSRF=$OWNER_CSRF
req GET "/workflows/$WF/delete"
check_status 200 "the delete confirmation page"
check_body_contains 'Delete workflow' "... has its button"
req POST "/workflows/$WF/delete" --data-urlencode "csrf=$CSRF"
check_status 303 "delete the workflow"
check_header Location '/workflows$' "... back to the list"
req GET "/workflows/$WF"
check_status 404 "the deleted workflow is gone"
check_eq "$(sql "SELECT count(*) FROM workflows WHERE id = $WF")" 0 "its row is gone"
check_eq "$(sql "SELECT count(*) FROM workflow_versions WHERE workflow_id = $WF")" 0 "its versions are gone"
req GET "/workflows/$BY_TOKEN" "${JSON[@]}"
check_status 200 "the other workflows remain"
req GET "/workflows/${JSON_WF:-0}" "${JSON[@]}"
check_status 200 "the workflow made with JSON remains"

echo "# sign out"
JAR=$EDITOR_JAR
req POST /logout --data-urlencode "csrf=$EDITOR_CSRF"
check_status 303 "sign out"
check_header Location '/login' "... to /login"
req GET /workflows "${JSON[@]}"
check_status 401 "the session ended"

echo "# login throttling (last: it locks out this address)"
JAR=$IT_TMP/throttle.jar
: >"$JAR"
req GET /login
CSRF=$(csrf_from_body)
for i in 1 2 3; do
	req POST /login --data-urlencode "csrf=$CSRF" --data-urlencode username=ed --data-urlencode "password=guess $i"
	check_status 401 "wrong password $i of 3"
	check_body_contains 'Wrong username or password.' "... says so"
done
sessions=$(sql 'SELECT count(*) FROM sessions')
req POST /login --data-urlencode "csrf=$CSRF" --data-urlencode username=ed --data-urlencode 'password=guess 4'
check_status 429 "the next try is throttled"
check_header Retry-After '^[0-9]+$' "... with Retry-After"
req POST /login "${JSON[@]}" --data-urlencode "csrf=$CSRF" --data-urlencode username=ed --data-urlencode 'password=guess 5'
check_json .error.status 429 "... and as a JSON error"
req POST /login --data-urlencode "csrf=$CSRF" --data-urlencode username=ed --data-urlencode 'password=editor password'
check_status 429 "even the right password waits"
check_eq "$(sql 'SELECT count(*) FROM sessions')" "$sessions" "... and no session was made"

it_done
