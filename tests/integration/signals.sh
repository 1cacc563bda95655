#!/bin/bash
# Signals: SIGTERM lets a request in flight finish and then axond exits 0;
# SIGHUP reloads the templates and reopens the log file.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init

# A copy of the templates that the test may change, and nginx passing the
# request body on as it arrives, so that a slow upload keeps axond busy.
IT_TEMPLATES=$IT_TMP/templates
cp -R "$top_srcdir/templates" "$IT_TEMPLATES"
chmod -R u+w "$IT_TEMPLATES"
IT_NGINX_HTTP_EXTRA='fastcgi_request_buffering off;'
it_start nginx

JAR=$IT_TMP/jar
req GET /setup
CSRF=$(csrf_from_body)
req POST /setup --data-urlencode "csrf=$CSRF" --data-urlencode username=owner \
	--data-urlencode 'password=signal password' --data-urlencode 'password_confirm=signal password'
check_status 303 "setup"
req GET /account
CSRF=$(csrf_from_body)

echo "# SIGHUP"
JAR=
req GET /login
check_status 200 "GET /login"
check_body_contains 'Sign in' "the login page says Sign in"
check_body_lacks 'RELOADED' "... and not yet RELOADED"
grep -rl 'Sign in' "$IT_TEMPLATES" --include='*.html' | xargs -r sed -i 's/Sign in/Sign in RELOADED/'
req GET /login
check_body_lacks 'RELOADED' "templates are parsed once, not per request"
mv "$IT_TMP/axond.log" "$IT_TMP/axond.log.1"
kill -HUP "$AXOND_PID"
# The reload happens on axond's own time: poll for it (a loaded machine may take a while).
for ((i = 0; i < 100; i++)); do
	req GET /login
	grep -q 'Sign in RELOADED' "$BODY" && break
	sleep 0.1
done
check_status 200 "GET /login after SIGHUP"
check_body_contains 'Sign in RELOADED' "SIGHUP reloaded the templates"
check_eq "$(kill -0 "$AXOND_PID" 2>/dev/null && echo running)" running "axond still runs"
check_eq "$([ -e "$IT_TMP/axond.log" ] && echo reopened)" reopened "SIGHUP reopened the log file"

echo "# SIGTERM during a request"
JAR=$IT_TMP/jar
# 48 KB sent at 12 KB/s: the request lasts about 4 s.
{ printf 'csrf=%s&name=Slow+upload&definition=' "$CSRF"
  printf '{"pad":"%s"}' "$(head -c 48000 /dev/zero | tr '\0' a)" | jq -sRr @uri; } >"$IT_TMP/slow"
curl -sS -o "$IT_TMP/slow.body" -D "$IT_TMP/slow.headers" -w '%{http_code}' -b "$JAR" \
	--limit-rate 12k --data-binary "@$IT_TMP/slow" "$BASE_URL/workflows" >"$IT_TMP/slow.status" &
curl_pid=$!
sleep 1.5
kill -TERM "$AXOND_PID"
wait "$curl_pid"
check_eq "$(cat "$IT_TMP/slow.status")" 303 "the request in flight was answered"
check_eq "$(sql "SELECT count(*) FROM workflows WHERE name = 'Slow upload'")" 1 "... and its workflow saved"
it_wait_exit "$AXOND_PID" 100
wait "$AXOND_PID"
check_eq "$?" 0 "axond exited 0 after SIGTERM"
req GET /healthz
check_eq "$([ "$STATUS" != 200 ] && echo gone)" gone "nothing answers any more (HTTP $STATUS)"

it_done
