#!/bin/bash
# Two-factor sign-in through nginx: enrolment (QR code as inline SVG, the
# secret shown only until it is confirmed, stored sealed), ten recovery codes
# (stored hashed, each good once), codes computed here with python3 at the
# previous, the right and the next time step, a replayed code refused, the
# half-signed-in state opening nothing, throttling, an owner's reset, the
# audit log.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
command -v python3 >/dev/null || it_skip "python3 is not installed"

JSON=(-H 'Accept: application/json')
PW='two factor password'
it_start nginx "login_max_failures = 6"
it_setup_owner "$PW" || { it_fail "setup" "$(it_answer)"; it_done; }
OWNER_JAR=$JAR

# code SECRET STEP: the six-digit TOTP code of a base32 secret at a time step (RFC 6238, SHA-1).
code() {
	python3 - "$1" "$2" <<'PY'
import base64, hashlib, hmac, struct, sys
key = base64.b32decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 8))
mac = hmac.new(key, struct.pack(">Q", int(sys.argv[2])), hashlib.sha1).digest()
off = mac[-1] & 15
print("%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7fffffff) % 1000000))
PY
}

# fresh_step [AFTER]: a time step later than AFTER with at least 15 s left, so
# that a round of sign-ins stays in it; in STEP.
fresh_step() {
	while (($(date +%s) / 30 <= ${1:-0} || $(date +%s) % 30 > 15)); do sleep 1; done
	STEP=$(($(date +%s) / 30))
}

# password USER: a new cookie jar, the login form, the password.
password() {
	JAR=$IT_TMP/$1-$RANDOM.jar
	req GET /login
	req POST /login --data-urlencode "csrf=$(csrf_from_body)" --data-urlencode "username=$1" \
		--data-urlencode "password=$PW" --data-urlencode next=/account
}

# send_code CODE: the second step of the sign-in started by password.
send_code() {
	req GET /login/code
	req POST /login/code --data-urlencode "csrf=$(csrf_from_body)" --data-urlencode "code=$1" \
		--data-urlencode next=/account
}

## Enrolment
req GET /account
check_body_contains 'Set up two-factor sign-in' "the account page offers two-factor sign-in"
req GET /account/two-factor
check_body_contains '/account/two-factor/start' "the two-factor page offers to start"
req POST /account/two-factor/start "${JSON[@]}" -H "X-CSRF-Token: $CSRF"
check_status 201 "enrolment starts"
SECRET=$(jqb .enrolment.secret)
check_eq "$(printf %s "$SECRET" | grep -cE '^[A-Z2-7]{32}$')" 1 "the secret is 160 bits in base32"
check_json '.enrolment.otpauth_uri | startswith("otpauth://totp/Axon:owner?secret=")' true "an otpauth URI for the app"
req GET /account/two-factor
check_status 200 "the enrolment page"
check_body_contains '<svg' "the QR code is inline SVG"
check_body_contains 'viewBox="0 0 ' "the QR code has its viewBox"
check_body_contains '<path fill="#000" d="M4 4h7v1h-7z' "the QR code's finder pattern starts the path"
check_body_contains "$SECRET" "the secret is also written out"
sealed=$(sql "SELECT secret FROM second_factors")
check_eq "$(printf %s "$sealed" | grep -ciF "$SECRET")" 0 "the secret is stored sealed, not in clear"
check_eq "$(sql "SELECT confirmed_at IS NULL FROM second_factors")" 1 "not on before a code confirms it"

fresh_step
req POST /account/two-factor "${JSON[@]}" -H "X-CSRF-Token: $CSRF" --data code=000000
[ "$(code "$SECRET" "$STEP")" = 000000 ] || check_status 400 "a wrong code does not confirm"
# The previous step's code, so that the next step's sign-ins below can use theirs.
req POST /account/two-factor "${JSON[@]}" -H "X-CSRF-Token: $CSRF" --data "code=$(code "$SECRET" $((STEP - 1)))"
check_status 200 "the right code confirms"
check_json '.recovery_codes | length' 10 "ten recovery codes"
RECOVERY=$(jqb '.recovery_codes[0]')
RECOVERY2=$(jqb '.recovery_codes[1]')
check_eq "$(sql "SELECT count(*) FROM recovery_codes WHERE used_at IS NULL")" 10 "ten recovery codes stored"
check_eq "$(sql "SELECT count(*) FROM recovery_codes WHERE code_hash LIKE '%$RECOVERY%'")" 0 "recovery codes stored hashed"
req GET /account/two-factor "${JSON[@]}"
check_json '.two_factor.enabled' true "two-factor sign-in is on"
check_json '.enrolment' null "the secret is never shown back"
check_body_lacks "$SECRET" "no trace of the secret in the page"
req POST /account/two-factor/start "${JSON[@]}" -H "X-CSRF-Token: $CSRF"
check_status 409 "no second enrolment while it is on"

## Sign-in: password, then code
fresh_step "$STEP"
password owner
check_status 303 "the right password"
check_header Location '^/login/code\?next=%2Faccount$' "then the code is asked"
req GET /workflows
check_status 303 "the half-signed-in state opens nothing"
check_header Location '^/login' "  but the sign-in"
req GET /account "${JSON[@]}"
check_status 401 "nor the JSON API"
send_code "$(code "$SECRET" $((STEP - 1)))"
check_status 303 "the previous step's code signs in"
req GET /account
check_status 200 "  signed in"
password owner
send_code "$(code "$SECRET" "$STEP")"
check_status 303 "the right step's code signs in"
password owner
send_code "$(code "$SECRET" $((STEP + 1)))"
check_status 303 "the next step's code signs in"
password owner
send_code "$(code "$SECRET" $((STEP + 1)))"
check_status 401 "a replayed code is refused"
check_body_contains 'used already' "  and says why"
send_code "$(code "$SECRET" $((STEP + 3)))"
check_status 401 "a code three steps ahead is refused"

## Recovery codes
password owner
send_code "$RECOVERY"
check_status 303 "a recovery code signs in"
password owner
send_code "$RECOVERY"
check_status 401 "a recovery code works once"
check_eq "$(sql "SELECT count(*) FROM recovery_codes WHERE used_at IS NULL")" 9 "nine left"

## Throttled like passwords
password owner
statuses=""
for _ in 1 2 3 4 5 6 7; do
	send_code 999999
	statuses="$statuses $STATUS"
done
check_eq "$(echo "$statuses" | grep -c 429)" 1 "wrong codes are throttled ($statuses)"
send_code "$RECOVERY2"
check_status 429 "  even a right code waits then"
sql "DELETE FROM login_failures" >/dev/null

## An owner resets a user's second factor
JAR=$OWNER_JAR
req POST /users "${JSON[@]}" -H "X-CSRF-Token: $CSRF" --data-urlencode username=alice --data-urlencode "password=$PW" \
	--data role=editor
ALICE=$(jqb .user.id)
password alice
check_status 303 "alice signs in with her password"
req GET /account
ALICE_CSRF=$(csrf_from_body)
req POST /account/two-factor/start "${JSON[@]}" -H "X-CSRF-Token: $ALICE_CSRF"
ALICE_SECRET=$(jqb .enrolment.secret)
fresh_step
req POST /account/two-factor --data-urlencode "csrf=$ALICE_CSRF" --data "code=$(code "$ALICE_SECRET" "$STEP")"
check_status 200 "alice turns two-factor sign-in on with the form"
check_body_contains 'They are shown only now.' "  and sees her recovery codes once"
check_eq "$(grep -oE '<li><code>[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}</code></li>' "$BODY" | wc -l)" 10 "  ten of them"
req POST "/users/$ALICE/two-factor/reset" "${JSON[@]}" -H "X-CSRF-Token: $ALICE_CSRF"
check_status 403 "only an owner resets a second factor"
JAR=$OWNER_JAR
req GET /users
check_body_contains "/users/$ALICE/two-factor/reset" "the users page offers the reset"
req POST "/users/$ALICE/two-factor/reset" "${JSON[@]}" -H "X-CSRF-Token: $CSRF"
check_status 200 "the owner resets alice's second factor"
password alice
check_header Location '^/account$' "alice signs in with her password alone again"

## Turning it off needs the password
JAR=$OWNER_JAR
req POST /account/two-factor/disable "${JSON[@]}" -H "X-CSRF-Token: $CSRF" --data-urlencode password=wrong
check_status 400 "a wrong password does not turn it off"
req POST /account/two-factor/disable "${JSON[@]}" -H "X-CSRF-Token: $CSRF" --data-urlencode "password=$PW"
check_status 200 "the password turns it off"
check_eq "$(sql "SELECT count(*) FROM second_factors") $(sql "SELECT count(*) FROM recovery_codes")" "0 0" \
	"secret and recovery codes are gone"

check_eq "$(sql "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit_log WHERE action LIKE '2fa.%' ORDER BY id) AS a")" \
	"2fa.enable 2fa.recovery_code_used 2fa.enable 2fa.reset 2fa.disable" "the audit log"
it_done
