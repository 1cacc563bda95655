#!/bin/bash
# A database axond cannot use gives 503 with a sentence saying what is wrong,
# in HTML and JSON: locked by another process, corrupt, read-only.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
it_sqlite_only
it_start nginx

JAR=$IT_TMP/jar
req GET /setup
CSRF=$(csrf_from_body)
req POST /setup --data-urlencode "csrf=$CSRF" --data-urlencode username=owner \
	--data-urlencode 'password=db error password' --data-urlencode 'password_confirm=db error password'
check_status 303 "setup"
req GET /account
CSRF=$(csrf_from_body)

# check_503 WHAT WORD: the last answer is a 503 whose text mentions WORD.
check_503() {
	check_status 503 "$1"
	if grep -qiE -- "$2" "$BODY"; then it_pass "... saying '$2'"; else it_fail "... saying '$2'" "$(it_answer)"; fi
}

echo "# locked"
# Another process holds the write lock longer than axond's busy timeout.
printf 'BEGIN EXCLUSIVE;\n.shell sleep 9\nCOMMIT;\n' | sqlite3 "$DB" &
locker=$!
sleep 0.5
req POST /workflows -H 'Accept: application/json' --data-urlencode "csrf=$CSRF" --data-urlencode 'name=Locked out'
check_503 "a write while the database is locked" 'lock|busy'
check_json .error.status 503 "... as a JSON error"
wait "$locker"
check_eq "$(sql "SELECT count(*) FROM workflows WHERE name = 'Locked out'")" 0 "nothing was written"
req POST /workflows --data-urlencode "csrf=$CSRF" --data-urlencode 'name=After the lock'
check_status 303 "writes work again once the lock is gone"

echo "# corrupt"
it_stop_axond
check_eq "$?" 0 "axond stops"
rm -f "$DB-wal" "$DB-shm" "$IT_TMP/axond.sock"
head -c 65536 /dev/urandom >"$DB"
# axond starts anyway, says what is wrong in its log, and answers every
# page with 503 and the reason, so that the person at the browser sees it.
it_start_axond >"$IT_TMP/start.out" 2>&1 || it_fail "axond starts over a corrupt database" "$(cat "$IT_TMP/start.out")"
req GET /login
check_503 "a page over a corrupt database" 'database'
req GET /workflows -H 'Accept: application/json'
check_503 "JSON over a corrupt database" 'database'
check_json .error.status 503 "... as a JSON error"

echo "# read-only"
# A fresh database, then made read-only. Root writes whatever the permissions
# say, so as root axond runs as nobody here, its files handed over to nobody.
it_stop_axond
rm -rf "$IT_TMP/data" "$IT_TMP/axond.sock"
it_start_axond || it_fail "axond starts again on a fresh data dir"
JAR=$IT_TMP/ro.jar
req GET /setup
check_status 200 "a fresh database asks for setup"
CSRF=$(csrf_from_body)
it_stop_axond
ro=$IT_TMP/ro
mkdir -p "$ro"
sed -i -e "s|^listen = .*|listen = unix:$ro/axond.sock|" -e "s|^log = .*|log = $ro/axond.log|" "$IT_TMP/axon.conf"
ln -sf "$ro/axond.sock" "$IT_TMP/axond.sock"
if [ "$(id -u)" = 0 ]; then
	chmod 0711 "$IT_TMP"
	chown -R nobody:nogroup "$IT_TMP/data" "$ro"
	# nobody may not reach the source and build trees (a clone in root's 0700
	# home): it runs copies of axond, the templates and the plugins.
	for_nobody=$IT_TMP/for-nobody
	mkdir -p "$for_nobody/plugins"
	cp "$top_builddir/axond" "$for_nobody/axond"
	cp -R "$top_srcdir/templates" "$for_nobody/templates"
	cp -R "$(it_plugin_dir)/." "$for_nobody/plugins/"
	chmod -R a+rX "$for_nobody"
	sed -i -e "s|^template_dir = .*|template_dir = $for_nobody/templates|" \
		-e "s|^plugin_dirs = .*|plugin_dirs = $for_nobody/plugins|" "$IT_TMP/axon.conf"
	IT_AXOND=$for_nobody/axond
	IT_AXOND_AS=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
fi
chmod a-w "$IT_TMP/data" "$DB"
before=$(sql 'SELECT count(*) FROM users')
it_start_axond >"$IT_TMP/start.out" 2>&1 || it_fail "axond starts over a read-only database" "$(cat "$IT_TMP/start.out")"
req POST /setup --data-urlencode "csrf=$CSRF" --data-urlencode username=owner \
	--data-urlencode 'password=db error password' --data-urlencode 'password_confirm=db error password'
check_503 "a write to a read-only database" 'read-only|readonly|write access|permission'
check_eq "$(sql 'SELECT count(*) FROM users')" "$before" "nothing was written"
chmod u+w "$IT_TMP/data" "$DB"

it_done
