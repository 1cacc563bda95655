# Shared by the integration, browser and benchmark scripts (sourced, not run).
# Starts a real axond behind a real nginx or Apache on free 127.0.0.1 ports,
# everything in one temporary directory, and stops it all on exit.
#
#   . "$top_srcdir/tests/integration/lib.sh"
#   it_init                 # temp dir $IT_TMP, exit trap, skips (77) when a tool is missing
#   it_start nginx          # or apache: axond + that front; sets BASE_URL, DB, AXOND_PID
#                           # (more arguments: "key = value" lines for axon.conf)
#   req GET /healthz        # sets STATUS; the answer is in $BODY and $HEADERS
#   check_status 200 "health check"
#   it_done                 # exit 0 when every check passed, else 1
#
# nginx reaches axond over a unix socket (nginx's workers run as the user
# running the test); Apache, which as root must switch to www-data, cannot
# enter the 0700 temp dir and talks to axond over TCP instead. Both use the
# site files shipped in etc/, with only the addresses replaced.
#
# Set before it_start: IT_TEMPLATES (a template dir other than the source's),
# IT_NGINX_HTTP_EXTRA (directives for nginx's http block), IT_AXOND_AS (a
# command prefix running axond as another user), IT_AXOND (another copy of
# the axond binary, for a user who cannot reach the build tree); IT_AFTER_STOP
# (a command the exit trap runs once the servers stopped). A sanitizer report on axond's
# stderr fails the test at exit.

: "${top_srcdir:?run through make check, or set top_srcdir and top_builddir}"
: "${top_builddir:?run through make check, or set top_srcdir and top_builddir}"
# shellcheck source=nginx-conf.sh
. "$top_srcdir/tests/integration/nginx-conf.sh"

IT_CHECKS=0
IT_FAILURES=0
IT_PIDS=()
IT_AXOND_AS=()

it_skip() {
	echo "SKIP: $*"
	exit 77
}

# Integration tests start real servers: they run in the normal and the
# sanitizer builds, not in the fuzz build (its binaries are for libFuzzer).
it_is_fuzz_build() {
	grep -q '^FUZZ_CFLAGS = .*fuzzer' "$top_builddir/Makefile" 2>/dev/null
}

it_init() {
	it_is_fuzz_build && it_skip "integration tests do not run in the fuzz build"
	# make distcheck's copy: the same tests ran in build/ from the same sources.
	[ "${AXON_TEST_INTEGRATION:-yes}" = no ] && it_skip "AXON_TEST_INTEGRATION=no (./quickstart check's distcheck)"
	local tool
	for tool in curl jq sqlite3 nginx; do
		command -v "$tool" >/dev/null || it_skip "$tool is not installed (./quickstart check installs it)"
	done
	[ -x "$top_builddir/axond" ] || it_skip "$top_builddir/axond is not built"
	IT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/axon-it.XXXXXX")
	BODY=$IT_TMP/body
	HEADERS=$IT_TMP/headers
	trap it_cleanup EXIT
	trap 'exit 1' INT TERM
}

# Stops what we started (by pid), shows the servers' logs when the test
# failed, and removes the temp dir.
it_cleanup() {
	local rc=$? pid
	for pid in "${IT_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${IT_PIDS[@]}"; do
		it_wait_exit "$pid" 50 || kill -KILL "$pid" 2>/dev/null
	done
	[ -n "${IT_AFTER_STOP:-}" ] && "$IT_AFTER_STOP"
	# An ASan, LSan or UBSan report fails the test even if every check passed.
	if [ "$rc" != 77 ] && grep -lE 'Sanitizer|runtime error:' "$IT_TMP"/axond-*.stderr 2>/dev/null; then
		echo "FAIL - axond's stderr holds a sanitizer report:"
		grep -hE -A30 'Sanitizer|runtime error:' "$IT_TMP"/axond-*.stderr | head -n 60
		rc=1
	fi
	if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
		local log
		for log in "$IT_TMP"/axond.log "$IT_TMP"/nginx/error.log "$IT_TMP"/apache/error.log; do
			[ -s "$log" ] && { echo "--- last lines of $log"; tail -n 40 "$log"; }
		done
	fi
	rm -rf "$IT_TMP"
	exit "$rc"
}

# it_wait_exit PID TENTHS: waits up to TENTHS/10 s for a child to exit.
it_wait_exit() {
	local i
	for ((i = 0; i < $2; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# A port nobody listens on now (probing with bash's /dev/tcp), below the
# kernel's ephemeral range: a port there may be the local end of some other
# test's connection, which no probe sees and which makes bind() fail.
free_port() {
	local port low=32768
	read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
	[ "$low" -gt 12000 ] || low=32768
	while :; do
		port=$((10000 + RANDOM % (low - 10000)))
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
	done
	echo "$port"
}

# The build tree's plugins (libtool keeps the .so files in .libs/).
it_plugin_dir() {
	if [ -d "$top_builddir/plugins/.libs" ]; then
		echo "$top_builddir/plugins/.libs"
	else
		mkdir -p "$IT_TMP/plugins"
		echo "$IT_TMP/plugins"
	fi
}

# it_write_config LISTEN [extra "key = value" lines...]: $IT_TMP/axon.conf.
# Small limits so that 413 and 429 are cheap to reach.
it_write_config() {
	local listen=$1 line
	shift
	{
		echo "listen = $listen"
		echo "socket_mode = 0600"
		echo "data_dir = $IT_TMP/data"
		echo "template_dir = ${IT_TEMPLATES:-$top_srcdir/templates}"
		echo "plugin_dirs = $(it_plugin_dir)"
		echo "log = $IT_TMP/axond.log"
		echo "log_level = debug"
		echo "threads = 4"
		echo "max_body = 64K"
		echo "login_max_failures = 3"
		echo "login_lockout = 10m"
		for line in "$@"; do
			echo "$line"
		done
	} >"$IT_TMP/axon.conf"
	DB=$IT_TMP/data/axon.db
	# The files that hold the data (for a test that a secret is in none of them).
	# shellcheck disable=SC2034 # for the sourcing script
	DATA_FILES=("$DB" "$DB-wal")
	if it_on_postgresql; then
		[ -n "${PGPORT:-}" ] || it_start_postgresql
		[ -n "${IT_PG_LINE:-}" ] || IT_PG_LINE=$(it_postgresql_database axon) || it_fail "a database is made"
		echo "$IT_PG_LINE" >>"$IT_TMP/axon.conf"
		DB=$(sed -n 's/^database = //p' "$IT_TMP/axon.conf")
		# shellcheck disable=SC2034 # for the sourcing script
		DATA_FILES=("$PGDATA")
	fi
}

# AXON_TEST_DATABASE=postgresql (./quickstart check sets it in one build):
# every axond of the test keeps its data in PostgreSQL rather than SQLite.
it_on_postgresql() {
	[ "${AXON_TEST_DATABASE:-}" = postgresql ]
}

# it_postgresql_only: for a test of several nodes or of the database server
# itself, run in the PostgreSQL build only (each integration test in one build).
it_postgresql_only() {
	it_on_postgresql || it_skip "this test is about PostgreSQL: AXON_TEST_DATABASE=postgresql runs it (./quickstart check sets it in build-asan)"
}

# it_sqlite_only: for a test of what only a SQLite file has (its backup,
# its disk errors): skipped on PostgreSQL.
it_sqlite_only() {
	! it_on_postgresql || it_skip "this test is about the SQLite file; AXON_TEST_DATABASE=postgresql"
}

# it_run_postgresql: starts the server of it_start_postgresql's cluster (again,
# after it_stop_postgresql) on PGPORT; sets PG_PID.
it_run_postgresql() {
	local as_pg=()
	[ "$(id -u)" = 0 ] && as_pg=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	(cd "$PGDATA" && exec "${as_pg[@]}" "$PGBIN/postgres" -D "$PGDATA" -p "$PGPORT" -k "$PGDATA" \
		-c listen_addresses=127.0.0.1 -c max_connections=200 ${IT_PG_OPTIONS[@]+"${IT_PG_OPTIONS[@]}"} \
		>>"$IT_TMP/postgres.log" 2>&1) &
	PG_PID=$!
	IT_PIDS+=("$PG_PID")
	it_wait_port "$PGPORT" PostgreSQL "$IT_TMP/postgres.log" || exit 1
}

# it_stop_postgresql: stops that server (a fast shutdown: its clients are
# cut off, as when a database host goes away) and waits for it to end.
it_stop_postgresql() {
	kill -INT "$PG_PID"
	it_wait_exit "$PG_PID" 300 || { echo "PostgreSQL did not stop within 30 s"; return 1; }
}

# it_start_postgresql: a PostgreSQL 15 cluster of this test on a free
# loopback port (initdb and postgres from Debian's postgresql-15, as nobody
# when the test runs as root: PostgreSQL refuses root), with a password
# (SCRAM) for its user axon. Sets PGPORT, PGDATA, PG_PASSWORD and
# PG_PASSFILE (libpq's password file, for axon.conf's database line).
# IT_PG_OPTIONS, when set, is an array of more options for postgres
# (-c name=value: a benchmark loads pg_stat_statements).
PGBIN=/usr/lib/postgresql/15/bin
it_start_postgresql() {
	[ -x "$PGBIN/initdb" ] || it_skip "postgresql-15 is not installed (./quickstart check installs it)"
	PG_PASSWORD='pg pass phrase 42'
	PGDATA=$IT_TMP/pg
	mkdir -p "$PGDATA"
	printf '%s\n' "$PG_PASSWORD" >"$IT_TMP/pgpw"
	local as_pg=()
	if [ "$(id -u)" = 0 ]; then
		chmod o+x "$IT_TMP"
		chown nobody "$PGDATA" "$IT_TMP/pgpw"
		as_pg=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	fi
	(cd "$PGDATA" && "${as_pg[@]}" "$PGBIN/initdb" -D "$PGDATA" -U axon --auth=scram-sha-256 \
		--pwfile="$IT_TMP/pgpw" --no-locale -E UTF8 >"$IT_TMP/initdb.log" 2>&1) ||
		{ cat "$IT_TMP/initdb.log"; it_skip "initdb failed"; }
	PGPORT=$(free_port)
	it_run_postgresql
	PG_PASSFILE=$IT_TMP/pgpass
	printf '127.0.0.1:%s:*:axon:%s\n' "$PGPORT" "$PG_PASSWORD" >"$PG_PASSFILE"
	chmod 600 "$PG_PASSFILE"
}

# it_postgresql_database NAME: a new empty database in the cluster; prints
# the line for axon.conf.
it_postgresql_database() {
	PGPASSFILE=$PG_PASSFILE psql -q -h 127.0.0.1 -p "$PGPORT" -U axon -d postgres -c "CREATE DATABASE $1" >/dev/null ||
		return 1
	PGPASSFILE=$PG_PASSFILE psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U axon -d "$1" \
		-f "$top_srcdir/tests/integration/sqlite-shims.sql" >/dev/null || return 1
	echo "database = postgresql://axon@127.0.0.1:$PGPORT/$1?passfile=$PG_PASSFILE&sslmode=disable"
}

# Starts axond in the foreground as a child; waits for its socket or port.
it_start_axond() {
	local listen
	listen=$(sed -n 's/^listen = //p' "$IT_TMP/axon.conf")
	# Each start has its own stderr, where the sanitizers report.
	AXOND_STDERR=$IT_TMP/axond-$((${#IT_PIDS[@]} + 1)).stderr
	"${IT_AXOND_AS[@]}" "${IT_AXOND:-$top_builddir/axond}" -c "$IT_TMP/axon.conf" -f 2>"$AXOND_STDERR" &
	AXOND_PID=$!
	IT_PIDS+=("$AXOND_PID")
	local i
	for ((i = 0; i < 300; i++)); do
		kill -0 "$AXOND_PID" 2>/dev/null || {
			echo "axond exited at start:"
			cat "$AXOND_STDERR"
			return 1
		}
		case $listen in
		unix:*) [ -S "${listen#unix:}" ] && return 0 ;;
		*) (exec 3<>"/dev/tcp/${listen%:*}/${listen##*:}") 2>/dev/null && return 0 ;;
		esac
		sleep 0.1
	done
	echo "axond did not listen on $listen within 30 s"
	return 1
}

# it_start_node NAME [extra "key = value" lines...]: another axond on the
# same database (AXON_TEST_DATABASE=postgresql), in $IT_TMP/NAME with the
# first node's keys (sessions, CSRF tokens and credentials open on both),
# behind an nginx of its own. Sets NODE_URL and NODE_PID; BASE_URL and
# AXOND_PID stay the first node's.
it_start_node() {
	local name=$1 top=$IT_TMP base=$BASE_URL pid=$AXOND_PID key rc=0
	shift
	IT_TMP=$top/$name
	mkdir -p "$IT_TMP/data"
	chmod 700 "$IT_TMP/data"
	for key in secret.key credential.key secrets.json; do
		[ -e "$top/data/$key" ] && cp -p "$top/data/$key" "$IT_TMP/data/"
	done
	it_write_config "unix:$IT_TMP/axond.sock" "$@"
	{ it_start_axond && it_start_nginx && it_wait_healthz; } || rc=1
	# shellcheck disable=SC2034 # for the sourcing script
	NODE_URL=$BASE_URL
	# shellcheck disable=SC2034 # for the sourcing script
	NODE_PID=$AXOND_PID
	IT_TMP=$top
	BASE_URL=$base
	AXOND_PID=$pid
	return $rc
}

# Stops axond with SIGTERM and returns its exit status.
it_stop_axond() {
	kill -TERM "$AXOND_PID" 2>/dev/null
	it_wait_exit "$AXOND_PID" 150 || { echo "axond did not exit within 15 s of SIGTERM"; return 1; }
	wait "$AXOND_PID"
}

it_start_nginx() {
	local dir=$IT_TMP/nginx port
	port=$(free_port)
	write_nginx_conf "$dir" "$port" "$IT_TMP/axond.sock" "$dir/error.log" "${IT_NGINX_HTTP_EXTRA:-}"
	nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" &
	IT_PIDS+=($!)
	BASE_URL=http://127.0.0.1:$port
	it_wait_port "$port" nginx "$dir/error.log"
}

# Apache with only the modules it needs, in the foreground as our child.
it_start_apache() {
	local dir=$IT_TMP/apache port mods=/usr/lib/apache2/modules mod
	port=$(free_port)
	mkdir -p "$dir"
	sed -e "s|127.0.0.1:8080|127.0.0.1:$port|g" \
		-e "s#unix:/run/axon/axond.sock|fcgi://localhost/#fcgi://$AXOND_ADDR/#g" \
		-e "s|\${APACHE_LOG_DIR}|$dir|g" \
		"$top_srcdir/etc/apache/axon.conf" >"$dir/site.conf"
	{
		for mod in mpm_event authz_core proxy proxy_fcgi; do
			echo "LoadModule ${mod}_module $mods/mod_$mod.so"
		done
		cat <<-EOF
		ServerRoot $dir
		ServerName 127.0.0.1
		PidFile $dir/apache.pid
		DefaultRuntimeDir $dir
		Mutex file:$dir default
		ErrorLog $dir/error.log
		LogLevel warn
		EOF
		[ "$(id -u)" = 0 ] && printf 'User www-data\nGroup www-data\n'
		echo "Include $dir/site.conf"
	} >"$dir/apache.conf"
	apache2 -f "$dir/apache.conf" -DFOREGROUND &
	IT_PIDS+=($!)
	BASE_URL=http://127.0.0.1:$port
	it_wait_port "$port" Apache "$dir/error.log"
}

# it_wait_port PORT NAME LOG
it_wait_port() {
	local i
	for ((i = 0; i < 100; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "$2 did not listen on port $1 within 10 s:"
	cat "$3" 2>/dev/null
	return 1
}

# Waits until axond answers /healthz through the front.
it_wait_healthz() {
	local i
	for ((i = 0; i < 150; i++)); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/healthz")" = 200 ] && return 0
		sleep 0.2
	done
	echo "no 200 from $BASE_URL/healthz within 30 s"
	return 1
}

# it_start FRONT [extra config lines...]: axond and nginx or Apache, ready.
it_start() {
	local front=$1
	shift
	case $front in
	nginx)
		it_write_config "unix:$IT_TMP/axond.sock" "$@"
		it_start_axond || exit 1
		it_start_nginx || exit 1
		;;
	apache)
		command -v apache2 >/dev/null || it_skip "apache2 is not installed"
		AXOND_ADDR=127.0.0.1:$(free_port)
		it_write_config "$AXOND_ADDR" "$@"
		it_start_axond || exit 1
		it_start_apache || exit 1
		;;
	*)
		echo "it_start: unknown front '$front' (nginx or apache)"
		exit 1
		;;
	esac
	it_wait_healthz || exit 1
}

# it_start_http_server: the local test HTTP server (tests/sandbox/http_server.py:
# /hello, /slow answering after 3 s, ...) on a free port; sets HTTP_PORT.
# Returns 1 when python3 is missing or the server did not start.
it_start_http_server() {
	command -v python3 >/dev/null || return 1
	python3 "$top_srcdir/tests/sandbox/http_server.py" >"$IT_TMP/http-port" &
	IT_PIDS+=($!)
	local i
	for ((i = 0; i < 50; i++)); do [ -s "$IT_TMP/http-port" ] && break; sleep 0.1; done
	HTTP_PORT=$(cat "$IT_TMP/http-port")
	[ -n "$HTTP_PORT" ]
}

# it_setup_owner PASSWORD: first-run setup of the user "owner", signed in with
# the cookie jar $IT_TMP/owner.jar (left in JAR); CSRF gets the session's token.
# Returns 1 (the answer in BODY) when setup did not answer 303.
it_setup_owner() {
	JAR=$IT_TMP/owner.jar
	req GET /setup
	req POST /setup --data-urlencode "csrf=$(csrf_from_body)" --data-urlencode username=owner \
		--data-urlencode "password=$1" --data-urlencode "password_confirm=$1"
	[ "$STATUS" = 303 ] || return 1
	req GET /account
	CSRF=$(csrf_from_body)
}

# it_api_token NAME: an API token of the signed-in user, in TOKEN; API gets
# the curl options that send it and ask for JSON. Returns 1 without a token.
it_api_token() {
	req POST /tokens -H "X-CSRF-Token: $CSRF" -H 'Accept: application/json' --data-urlencode "name=$1"
	TOKEN=$(jqb .token)
	# shellcheck disable=SC2034 # for the sourcing script
	API=(-H "Authorization: Bearer $TOKEN" -H 'Accept: application/json')
	case $TOKEN in axon_*) return 0 ;; *) return 1 ;; esac
}

# it_create_workflow NAME DEFINITION-JSON: a workflow made with the API
# (it_api_token first); sets WF (empty when refused: the answer is in BODY).
it_create_workflow() {
	req POST /workflows "${API[@]}" -H 'Content-Type: application/json' \
		--data "$(jq -n --arg n "$1" --argjson d "$2" '{name: $n, definition: $d}')"
	WF=$(jqb .workflow.id)
}

# it_webhook_workflow NAME DEFINITION-JSON: a workflow made with the API
# (it_api_token first) and a webhook for it; prints the webhook's path.
# Returns 1 (the answer in BODY) when either was refused.
it_webhook_workflow() {
	it_create_workflow "$1" "$2"
	[ "$STATUS" = 201 ] || return 1
	req POST "/workflows/$WF/webhook" "${API[@]}" --data action=create
	[ "$STATUS" = 201 ] || return 1
	jqb .path
}

# it_wait_sql QUERY WANT: polls sql QUERY until it prints WANT (30 s at most); 1 if it never does.
it_wait_sql() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ "$(sql "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# it_wait_run ID STATUS: polls run ID until it has STATUS; 1 if it never does.
it_wait_run() {
	it_wait_sql "SELECT status FROM runs WHERE id = $1" "$2"
}

## HTTP

# req METHOD PATH [curl options...]: one request through the front, with the
# cookie jar $JAR when set. Sets STATUS (000 when no answer came).
req() {
	local method=$1 path=$2
	shift 2
	local jar=()
	[ -n "${JAR:-}" ] && jar=(-b "$JAR" -c "$JAR")
	STATUS=$(curl -sS -o "$BODY" -D "$HEADERS" -w '%{http_code}' -X "$method" \
		"${jar[@]}" "$@" "$BASE_URL$path") || STATUS=000
}

# header NAME: the value of a header of the last answer.
header() {
	grep -i "^$1:" "$HEADERS" | head -n 1 | sed -e 's/^[^:]*:[[:space:]]*//' -e 's/\r$//'
}

# The CSRF token of the first form in the last answer.
csrf_from_body() {
	grep -o '<input[^>]*name="csrf"[^>]*>' "$BODY" | head -n 1 | sed -n 's/.*value="\([^"]*\)".*/\1/p'
}

# jqb FILTER: a value of the last (JSON) answer.
jqb() {
	jq -r "$1" "$BODY" 2>/dev/null
}

# sql QUERY: one value from the database, read beside the running axond.
sql() {
	if it_on_postgresql; then
		# A truth value reads 1 or 0, as SQLite's do.
		PGPASSFILE=$PG_PASSFILE psql -X -q -At -F '|' -h 127.0.0.1 -p "$PGPORT" -U axon -d axon -c "$1" 2>&1 |
			sed -E 's/(^|[|])t([|]|$)/\11\2/g; s/(^|[|])f([|]|$)/\10\2/g'
	else
		sqlite3 -cmd '.timeout 5000' "$DB" "$1" 2>&1
	fi
}

# The rows a refused request must not change.
row_counts() {
	sql "SELECT (SELECT count(*) FROM users) || ' users, ' || (SELECT count(*) FROM workflows) ||
		' workflows, ' || (SELECT count(*) FROM workflow_versions) || ' versions, ' ||
		(SELECT count(*) FROM api_tokens) || ' tokens'"
}

## Checks: each prints one line; a failure never stops the test.

it_pass() {
	IT_CHECKS=$((IT_CHECKS + 1))
	echo "ok - $1"
}

it_fail() {
	IT_CHECKS=$((IT_CHECKS + 1))
	IT_FAILURES=$((IT_FAILURES + 1))
	echo "FAIL - $1"
	shift
	local line
	for line in "$@"; do
		echo "    $line"
	done
}

# The start of the last answer, for failure messages.
it_answer() {
	echo "answer: HTTP $STATUS $(head -c 300 "$BODY" 2>/dev/null | tr '\n' ' ')"
}

check_eq() { # GOT WANT WHAT
	if [ "$1" = "$2" ]; then it_pass "$3"; else it_fail "$3" "got '$1', want '$2'"; fi
}

check_contains() { # GOT SUBSTRING WHAT
	case $1 in *"$2"*) it_pass "$3" ;; *) it_fail "$3" "got '$1', which lacks '$2'" ;; esac
}

check_status() { # WANT WHAT
	if [ "$STATUS" = "$1" ]; then it_pass "$2 (HTTP $1)"; else it_fail "$2" "want HTTP $1" "$(it_answer)"; fi
}

check_body_contains() { # STRING WHAT
	if grep -qF -- "$1" "$BODY"; then it_pass "$2"; else it_fail "$2" "the answer lacks: $1" "$(it_answer)"; fi
}

check_body_lacks() { # STRING WHAT
	if grep -qF -- "$1" "$BODY"; then it_fail "$2" "the answer contains: $1" "$(it_answer)"; else it_pass "$2"; fi
}

check_header() { # NAME EXTENDED-REGEX WHAT
	local v
	v=$(header "$1")
	if printf '%s' "$v" | grep -qE -- "$2"; then it_pass "$3"; else it_fail "$3" "$1: '$v' does not match /$2/"; fi
}

# check_json FILTER WANT WHAT: jq FILTER over the last answer.
check_json() {
	check_eq "$(jqb "$1")" "$2" "$3"
}

# The headers every answer carries, whatever its status.
check_security_headers() { # WHAT
	check_header Content-Security-Policy "default-src 'self'" "$1: Content-Security-Policy"
	check_header X-Content-Type-Options '^nosniff$' "$1: X-Content-Type-Options"
	check_header X-Frame-Options '^DENY$' "$1: X-Frame-Options"
	check_header Referrer-Policy '^same-origin$' "$1: Referrer-Policy"
}

# ctl WANT WHAT ARGS...: axonctl (CTL: the build's, unless set) with the
# test's configuration and stdin from $CTL_IN (else nothing); stdout in
# $IT_TMP/ctl.out ($OUT), stderr in $IT_TMP/ctl.err ($ERR); checks the exit
# status. Every stderr is kept in $IT_TMP/ctl-all.stderr, for a sanitizer check.
ctl() {
	local want=$1 what=$2 rc
	shift 2
	OUT=$IT_TMP/ctl.out ERR=$IT_TMP/ctl.err
	"${CTL:-$top_builddir/axonctl}" -c "$IT_TMP/axon.conf" "$@" >"$OUT" 2>"$ERR" <"${CTL_IN:-/dev/null}"
	rc=$?
	cat "$ERR" >>"$IT_TMP/ctl-all.stderr"
	if [ "$rc" = "$want" ]; then
		it_pass "$what (exit $want)"
	else
		it_fail "$what" "exit status $rc, want $want" "stderr: $(head -c 600 "$ERR")" \
			"stdout: $(head -c 300 "$OUT" | tr '\n' ' ')"
	fi
}

# check_file FILE TEXT WHAT / lacks_file FILE TEXT WHAT: FILE holds TEXT, or does not.
check_file() {
	if grep -qF -- "$2" "$1"; then it_pass "$3"; else it_fail "$3" "$(basename "$1") lacks: $2" "$(head -c 600 "$1")"; fi
}
lacks_file() {
	if grep -qF -- "$2" "$1"; then it_fail "$3" "$(basename "$1") contains: $2"; else it_pass "$3"; fi
}

it_done() {
	echo "$IT_CHECKS checks, $IT_FAILURES failed"
	[ "$IT_CHECKS" -gt 0 ] || exit 99
	[ "$IT_FAILURES" = 0 ] || exit 1
	exit 0
}
