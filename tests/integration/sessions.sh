#!/bin/bash
# Your sessions through nginx: each browser's session listed with when it was
# made and last used, from which address and browser; signing one out, and
# signing out everywhere else; nobody reaches another user's sessions.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init

JSON=(-H 'Accept: application/json')
PW='sessions password'
it_start nginx
it_setup_owner "$PW" || { it_fail "setup" "$(it_answer)"; it_done; }
OWNER_JAR=$JAR
OWNER_CSRF=$CSRF

# browser NAME: signs owner in from a browser of that name, with a jar of its own.
browser() {
	JAR=$IT_TMP/$1.jar
	req GET /login -A "$1"
	req POST /login -A "$1" --data-urlencode "csrf=$(csrf_from_body)" --data-urlencode username=owner \
		--data-urlencode "password=$PW"
	[ "$STATUS" = 303 ] || it_fail "$1 signs in" "$(it_answer)"
}
browser laptop-browser
browser phone-browser

JAR=$OWNER_JAR
req GET /account/sessions "${JSON[@]}" -A owner-browser
check_status 200 "the list of sessions"
check_json '.sessions | length' 3 "three sessions"
check_json '[.sessions[] | select(.current)] | length' 1 "one is this one"
check_json '.sessions[] | select(.current) | .last_agent' owner-browser "the current one was last used from this browser"
check_json '[.sessions[].last_addr] | unique | .[0]' 127.0.0.1 "the address each was last used from"
check_json '[.sessions[].last_agent] | sort | join(",")' laptop-browser,owner-browser,phone-browser "the browser of each"
check_json '[.sessions[] | select(.created_at > 0 and .last_used_at >= .created_at)] | length' 3 "when each was made and last used"
check_json '[.sessions[].id | test("^[0-9a-f]{16}$")] | all' true "sessions are named by a short id"
ids=$(jqb '[.sessions[].id] | join(" ")')
for id in $ids; do
	check_eq "$(sql "SELECT count(*) FROM sessions WHERE token_hash = '$id'")" 0 "the id $id is not a whole token hash"
done
PHONE=$(jqb '.sessions[] | select(.last_agent == "phone-browser") | .id')

req GET /account/sessions -A owner-browser
check_body_contains 'laptop-browser' "the page lists the browsers"
check_body_contains "/account/sessions/$PHONE/end" "  with a sign-out for each other session"
check_body_contains 'Sign out everywhere else' "  and for all the others"

req POST "/account/sessions/$PHONE/end" -A owner-browser --data-urlencode "csrf=$OWNER_CSRF"
check_status 303 "the phone's session is signed out"
JAR=$IT_TMP/phone-browser.jar
req GET /account -A phone-browser
check_status 303 "  the phone is signed out"
JAR=$IT_TMP/laptop-browser.jar
req GET /account -A laptop-browser
check_status 200 "  the laptop is not"

# Another user cannot reach the owner's sessions.
JAR=$OWNER_JAR
req POST /users "${JSON[@]}" -H "X-CSRF-Token: $OWNER_CSRF" --data-urlencode username=eve \
	--data-urlencode "password=$PW" --data role=editor
req GET /account/sessions "${JSON[@]}"
LAPTOP=$(jqb '.sessions[] | select(.last_agent == "laptop-browser") | .id')
JAR=$IT_TMP/eve.jar
req GET /login
req POST /login --data-urlencode "csrf=$(csrf_from_body)" --data-urlencode username=eve --data-urlencode "password=$PW"
req GET /account
EVE_CSRF=$(csrf_from_body)
req GET /account/sessions "${JSON[@]}"
check_json '.sessions | length' 1 "eve sees her session only"
req POST "/account/sessions/$LAPTOP/end" "${JSON[@]}" -H "X-CSRF-Token: $EVE_CSRF"
check_status 404 "eve cannot sign out the owner's laptop"
req POST "/account/sessions/not-a-session/end" "${JSON[@]}" -H "X-CSRF-Token: $EVE_CSRF"
check_status 404 "a malformed id is no session"

browser tablet-browser
JAR=$OWNER_JAR
req POST /account/sessions/end-others "${JSON[@]}" -H "X-CSRF-Token: $OWNER_CSRF"
check_status 200 "sign out everywhere else"
check_json .signed_out 2 "  ends the laptop's and the tablet's sessions"
req GET /account/sessions "${JSON[@]}"
check_json '.sessions | length' 1 "  this one is left"
for b in laptop-browser tablet-browser; do
	JAR=$IT_TMP/$b.jar
	req GET /account -A "$b"
	check_status 303 "  $b is signed out"
done
JAR=$IT_TMP/eve.jar
req GET /account
check_status 200 "  eve's session is not the owner's to end"
check_eq "$(sql "SELECT count(*) FROM audit_log WHERE action IN ('session.end', 'session.end_others')")" 2 "audited"
it_done
