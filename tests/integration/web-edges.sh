#!/bin/bash
# The web's edges through nginx: cookies marked Secure behind HTTPS (a second
# server passing HTTPS=on, as "listen 443 ssl" does, and secure_cookies = yes),
# 500 pages in HTML and JSON, the request log line, bad page numbers, and
# log = syslog.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init

JSON=(-H 'Accept: application/json')
PW='edges password'

# A copy of the templates without blocks/list.html: a deployment that lost
# one page's template (the others, and the error page, still load).
IT_TEMPLATES=$IT_TMP/templates
cp -R "$top_srcdir/templates" "$IT_TEMPLATES"
chmod -R u+w "$IT_TEMPLATES"
rm "$IT_TEMPLATES/blocks/list.html"

# A second nginx server, the shipped site's parameters but HTTPS on.
HTTPS_PORT=$(free_port)
params=$(sed -n -e 's/^[[:space:]]*fastcgi_param HTTPS .*/fastcgi_param HTTPS on;/p' \
	-e 's/^[[:space:]]*\(fastcgi_param .*\)/\1/p' "$top_srcdir/etc/nginx/axon.conf")
IT_NGINX_HTTP_EXTRA="server { listen 127.0.0.1:$HTTPS_PORT; $params
	location / { fastcgi_pass unix:$IT_TMP/axond.sock; } }"
it_start nginx
PLAIN_URL=$BASE_URL
HTTPS_URL=http://127.0.0.1:$HTTPS_PORT
it_wait_port "$HTTPS_PORT" "nginx's HTTPS=on server" "$IT_TMP/nginx/error.log" || exit 1

# cookie_value NAME: the value a Set-Cookie of the last answer gives NAME.
cookie_value() {
	grep -i "^Set-Cookie: $1=" "$HEADERS" | head -n 1 | sed -e 's/^[^:]*:[[:space:]]*[^=]*=//' -e 's/;.*//' | tr -d '\r'
}

# set_cookie NAME: the whole Set-Cookie line of the last answer for NAME.
set_cookie() {
	grep -i "^Set-Cookie: $1=" "$HEADERS" | head -n 1 | tr -d '\r'
}

echo "# setup (plain HTTP)"
JAR=$IT_TMP/owner.jar
req GET /setup
CSRF=$(csrf_from_body)
req POST /setup --data-urlencode "csrf=$CSRF" --data-urlencode username=owner \
	--data-urlencode "password=$PW" --data-urlencode "password_confirm=$PW"
check_status 303 "setup"
check_header Set-Cookie '^axon_session=' "setup signs in"
check_eq "$(set_cookie axon_session | grep -c '; Secure')" 0 "over plain HTTP the session cookie is not Secure"
req GET /account
CSRF=$(csrf_from_body)

echo "# HTTPS=on: cookies are Secure"
JAR=
req GET /login
check_eq "$(set_cookie axon_csrf | grep -c '; Secure')" 0 "plain HTTP: the CSRF cookie is not Secure"
BASE_URL=$HTTPS_URL
req GET /login
check_status 200 "GET /login with HTTPS=on"
check_header Set-Cookie '^axon_csrf=[^;]+; Path=/; HttpOnly; SameSite=Lax; Max-Age=[0-9]+; Secure$' \
	"HTTPS=on: the CSRF cookie is Secure"
# curl keeps no Secure cookie from http://, so the cookie goes by hand.
csrf_cookie=$(cookie_value axon_csrf)
login_csrf=$(csrf_from_body)
req POST /login -b "axon_csrf=$csrf_cookie" --data-urlencode "csrf=$login_csrf" \
	--data-urlencode username=owner --data-urlencode "password=$PW"
check_status 303 "sign in with HTTPS=on"
check_header Set-Cookie '^axon_session=[^;]+; Path=/; HttpOnly; SameSite=Lax; Max-Age=[0-9]+; Secure$' \
	"HTTPS=on: the session cookie is Secure"
BASE_URL=$PLAIN_URL
JAR=$IT_TMP/owner.jar

echo "# 500 pages"
req GET /blocks
check_status 500 "a page whose template is missing"
check_header Content-Type '^text/html' "... answers HTML"
check_body_contains 'Internal Server Error' "... that says Internal Server Error"
check_body_contains 'the server log says why' "... and where to look"
check_security_headers "the 500 page"
check_eq "$(grep -c "template blocks/list: no template named 'blocks/list'" "$IT_TMP/axond.log")" 1 \
	"the log names the missing template"
req GET /blocks "${JSON[@]}"
check_status 200 "its JSON twin needs no template"
# A static file whose size is not what a read gives (a file truncated as it
# is served): a /sys attribute says 4096 bytes and reads a few.
short=
for f in /sys/devices/system/cpu/online /sys/kernel/mm/transparent_hugepage/enabled /sys/power/state; do
	if [ -r "$f" ] && [ "$(stat -c %s "$f" 2>/dev/null)" != "$(wc -c <"$f" 2>/dev/null)" ]; then
		short=$f
		break
	fi
done
if [ -n "$short" ]; then
	ln -s "$short" "$IT_TEMPLATES/static/short.css"
	req GET /static/short.css
	check_status 500 "a static file that reads short"
	check_header Content-Type '^text/html' "... answers HTML"
	check_body_contains 'The file could not be read.' "... the error page says why"
	check_body_contains 'Sign out' "... in the site's layout"
	check_security_headers "the 500 error page"
	req GET /static/short.css "${JSON[@]}"
	check_status 500 "the same as JSON"
	check_json .error.status 500 "... JSON error status"
	check_json .error.message 'The file could not be read.' "... JSON error message"
	check_header Content-Type '^application/json$' "... answers JSON"
else
	echo "# no /sys file that reads short here: the 500 for a short read is not tested"
fi

echo "# bad page numbers"
for page in abc -5 0 1000001 2x ' 1' 1.5; do
	req GET "/workflows?page=$(jq -rn --arg p "$page" '$p | @uri')"
	check_status 400 "page='$page'"
	check_body_contains 'The page number must be a whole number from 1 to 1000000' "... says why"
done
req GET '/workflows?page=-5' "${JSON[@]}"
check_status 400 "page=-5 as JSON"
check_json .error.message "The page number must be a whole number from 1 to 1000000, not '-5'." "... JSON message"
for page in 1 2 1000000 ''; do
	req GET "/workflows?page=$page" "${JSON[@]}"
	check_status 200 "page='$page'"
done
check_json .page 1 "an empty page number is the first page"

echo "# the request log"
marker=edges-$$-$RANDOM
JAR=
req GET "/$marker-a?secret=do-not-log"
check_status 404 "an unknown address"
req POST "/$marker-b"
req GET /healthz
req POST /login --data-urlencode username=owner
check_status 403 "a POST without its CSRF token"
sleep 0.2
line_a=$(grep -E "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z info req=[0-9]+ GET /$marker-a 404 [0-9]+\.[0-9]{2}ms$" "$IT_TMP/axond.log")
check_eq "$([ -n "$line_a" ] && echo found)" found "a log line: time, level, req=ID, method, path, status, duration"
[ -n "$line_a" ] || grep "$marker" "$IT_TMP/axond.log"
check_eq "$(grep -c 'do-not-log' "$IT_TMP/axond.log")" 0 "the query string is not logged"
line_b=$(grep -E " info req=[0-9]+ POST /$marker-b 404 [0-9]+\.[0-9]{2}ms$" "$IT_TMP/axond.log")
check_eq "$([ -n "$line_b" ] && echo found)" found "the next request's line"
id_a=$(sed -n 's/.* req=\([0-9]*\) .*/\1/p' <<<"$line_a")
id_b=$(sed -n 's/.* req=\([0-9]*\) .*/\1/p' <<<"$line_b")
check_eq "$([ -n "$id_a" ] && [ -n "$id_b" ] && [ "$id_b" -gt "$id_a" ] && echo yes)" yes \
	"request ids grow ($id_a, then $id_b)"
check_eq "$(grep -cE " info req=[0-9]+ POST /login 403 [0-9]+\.[0-9]{2}ms$" "$IT_TMP/axond.log")" 1 \
	"a refused POST is logged with its status"
check_eq "$(grep -cE " info req=[0-9]+ GET /workflows 400 " "$IT_TMP/axond.log")" 8 "the bad page numbers are logged as 400"

echo "# log = syslog, secure_cookies = yes"
it_stop_axond
check_eq "$?" 0 "axond stops"
mv "$IT_TMP/axond.log" "$IT_TMP/axond.log.1"
it_write_config "unix:$IT_TMP/axond.sock" "log = syslog" "secure_cookies = yes"
it_start_axond || exit 1
it_wait_healthz || exit 1
req GET /healthz
check_status 200 "axond with log = syslog answers"
JAR=
req GET /login
check_header Set-Cookie '^axon_csrf=[^;]+;.*; Secure$' "secure_cookies = yes: Secure over plain HTTP too"
it_stop_axond
check_eq "$?" 0 "... and stops cleanly"
check_eq "$(cat "$AXOND_STDERR")" "" "... having written nothing to stderr"
check_eq "$([ -e "$IT_TMP/axond.log" ] && echo written)" "" "... nor to the log file of before"

it_done
