#!/bin/bash
# ./quickstart serve's side of the Quick start, short of installing and
# building: the port from --port or AXON_PORT, var/axon.conf written once and
# then left as a person edits it, and the SDK tutorial without make install:
# a block built against the build tree, installed with install -m 0644 into
# var/plugins, appears in the running axond (through nginx) after a SIGHUP;
# axonctl -c var/axon.conf reads the same data.
. "$top_srcdir/tests/integration/lib.sh"
it_init
for tool in pkg-config cc make; do
	command -v "$tool" >/dev/null || it_skip "$tool is not installed"
done
abs_builddir=$(cd "$top_builddir" && pwd)
quickstart=$(cd "$top_srcdir" && pwd)/quickstart

echo "# the port"
# qs_port [ARGS...]: the port serve would take, or its error.
qs_port() {
	bash -c '. "$0"; serve_args "$@"; echo "$PORT"' "$quickstart" "$@" 2>&1
}
check_eq "$(qs_port)" 8080 "serve listens on 8080 by default"
check_eq "$(qs_port --port 18080)" 18080 "--port N"
check_eq "$(qs_port --port=18081)" 18081 "--port=N"
check_eq "$(AXON_PORT=18082 qs_port)" 18082 "AXON_PORT"
check_eq "$(AXON_PORT=18082 qs_port --port 18083)" 18083 "--port over AXON_PORT"
out=$("$quickstart" serve --port 80x 2>&1)
check_eq "$?:$out" "1:quickstart: the port must be a number from 1 to 65535, not '80x' (--port N or AXON_PORT=N)" \
	"a bad --port is refused before anything is installed or built"
out=$(AXON_PORT=70000 "$quickstart" serve 2>&1)
check_eq "$?" 1 "AXON_PORT=70000 is refused"
out=$("$quickstart" serve --prot 1 2>&1)
check_eq "$?:$out" "1:quickstart: serve: unknown option --prot (usage: ./quickstart serve [--port N])" "an unknown option is named"

echo "# var/axon.conf, once"
# A clone whose build/ and templates/ are this build's and sources'.
clone=$IT_TMP/q
mkdir -p "$clone"
ln -s "$abs_builddir" "$clone/build"
ln -s "$(cd "$top_srcdir" && pwd)/templates" "$clone/templates"
# prepare: what serve does to var/ before starting axond.
prepare() {
	bash -c '. "$0"; TOP=$1; prepare_var' "$quickstart" "$clone"
}
conf=$clone/var/axon.conf
prepare
check_eq "$(grep -c "^plugin_dirs = .*:$clone/var/plugins$" "$conf")" 1 "var/plugins is in plugin_dirs"
if [ -d "$clone/var/plugins" ]; then it_pass "var/plugins exists"; else it_fail "var/plugins exists"; fi
"$top_builddir/axond" -c "$conf" --check-config >/dev/null 2>"$IT_TMP/check-config.err"
check_eq "$?" 0 "axond accepts the written var/axon.conf"
printf 'egress_allow_loopback = yes\n' >>"$conf"
sed -i 's/^socket_mode = 0600$/socket_mode = 0660/' "$conf"
cp "$conf" "$IT_TMP/edited.conf"
prepare
if cmp -s "$conf" "$IT_TMP/edited.conf"; then
	it_pass "a second start leaves var/axon.conf as the person edited it"
else
	it_fail "a second start leaves var/axon.conf as the person edited it" "$(diff "$IT_TMP/edited.conf" "$conf")"
fi
# What quickstart wrote at every start before was never a person's file.
printf '%s\nlisten = unix:/nowhere\n' "$(bash -c '. "$0"; echo "$OLD_CONF_HEADER"' "$quickstart")" >"$conf"
prepare
check_eq "$(grep -c '^pid_file = ' "$conf")" 1 "an axon.conf of the old quickstart (rewritten at each start) is written anew"

echo "# the SDK tutorial, without make install"
export PATH="$abs_builddir:$PATH" PKG_CONFIG_PATH="$abs_builddir/sdk"
(cd "$IT_TMP" && axon-block new acme.greet && cd acme-greet && make -s check) >"$IT_TMP/sdk.out" 2>&1
check_eq "$?" 0 "axon-block new and make check against the build tree"
if grep -q '^ok 3 ' "$IT_TMP/sdk.out"; then it_pass "... the fixtures pass"; else it_fail "... the fixtures pass" "$(cat "$IT_TMP/sdk.out")"; fi
# One block of one's own is there from the start, the other comes with a
# SIGHUP. (Not an empty var/plugins at the start: src/plugin/registry.c scans
# an empty directory with qsort(NULL, 0, ...), which UBSan reports.)
(cd "$IT_TMP" && axon-block new acme.hello && make -s -C acme-hello) >>"$IT_TMP/sdk.out" 2>&1
install -m 0644 "$IT_TMP/acme-hello/acme-hello.so" "$clone/var/plugins/"

# axond and nginx as serve starts them, on that var/.
ln -s "$conf" "$IT_TMP/axon.conf"
it_start_axond || exit 1
write_nginx_conf "$clone/var/nginx" "$(free_port)" "$clone/var/run/axond.sock" "$clone/var/nginx/error.log"
port=$(sed -n 's/.*listen 127.0.0.1:\([0-9]*\);.*/\1/p' "$clone/var/nginx/site.conf")
nginx -p "$clone/var/nginx" -c "$clone/var/nginx/nginx.conf" -e "$clone/var/nginx/error.log" &
IT_PIDS+=($!)
BASE_URL=http://127.0.0.1:$port
it_wait_healthz || exit 1
DB=$clone/var/axon.db
it_setup_owner 'correct horse battery' || { it_fail "owner setup" "$(it_answer)"; it_done; }
it_api_token quickstart || it_fail "an API token" "$(it_answer)"
req GET /blocks "${API[@]}"
check_json '[.blocks[] | select(.name == "acme.hello")] | length' 1 "a block in var/plugins at the start is there"
check_json '[.blocks[] | select(.name == "acme.greet")] | length' 0 "before installing, acme.greet is not there"
install -m 0644 "$IT_TMP/acme-greet/acme-greet.so" "$clone/var/plugins/"
kill -HUP "$(cat "$clone/var/run/axond.pid")"
for _ in $(seq 50); do
	req GET /blocks "${API[@]}"
	[ "$(jqb '[.blocks[] | select(.name == "acme.greet")] | length')" = 1 ] && break
	sleep 0.2
done
check_json '[.blocks[] | select(.name == "acme.greet")] | length' 1 "installed into var/plugins and a SIGHUP: the block is there"
# Installing again over the loaded plugin (a new build) leaves axond well.
install -m 0644 "$IT_TMP/acme-greet/acme-greet.so" "$clone/var/plugins/"
kill -HUP "$(cat "$clone/var/run/axond.pid")"
sleep 0.5
req GET /blocks "${API[@]}"
check_json '[.blocks[] | select(.name == "acme.greet")] | length' 1 "... and after installing it again"

echo "# axonctl on that data"
out=$("$top_builddir/axonctl" -c "$conf" user list 2>&1)
case $out in *owner*) it_pass "axonctl -c var/axon.conf user list shows the owner" ;;
*) it_fail "axonctl -c var/axon.conf user list shows the owner" "$out" ;; esac
it_done
