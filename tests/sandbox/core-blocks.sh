#!/bin/sh
# The core blocks' fixtures (plugins/FAMILY/BLOCK.json) through axon-block
# test, in the sandbox axond uses, each against its family's plugin;
# http.request against a local server, with loopback allowed and not.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
tool=$top_builddir/axon-block
libs=$top_builddir/plugins/.libs
tmp=$(mktemp -d)
server=
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0

for fixtures in "$top_srcdir"/plugins/*/*.json; do
	family=$(basename "$(dirname "$fixtures")")
	echo "# $family/$(basename "$fixtures")"
	"$tool" test "$libs/$family.so" "$fixtures" || fail=1
done

# The settings form is built from the schema alone: every setting of every
# core block has a title and a description.
command -v jq >/dev/null || { echo "not ok - jq is not installed (./quickstart check installs it)"; fail=1; }
for so in "$libs"/*.so; do
	if ! info=$("$tool" info "$so") || ! bare=$(printf '%s' "$info" | jq -r '.[] | .name as $b
		| .config_schema.properties // {} | to_entries[]
		| select((.value.title // "") == "" or (.value.description // "") == "") | "\($b).\(.key)"'); then
		echo "not ok - the descriptor of $so could not be read"
		fail=1
	elif [ -z "$bare" ]; then
		echo "ok - every setting in $(basename "$so") has a title and a description"
	else
		echo "not ok - settings without a title or a description: $bare"
		fail=1
	fi
done

# Random output cannot be a fixture: crypto.uuid's shape, and two that differ.
uuids=$("$tool" run "$libs/crypto.so" crypto.uuid --config '{"version": "7", "count": 2}')
v7='"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"'
if [ "$(echo "$uuids" | grep -Ec "^ *$v7,?$")" = 2 ] && [ "$(echo "$uuids" | grep -E "^ *$v7" | sort -u | wc -l)" = 2 ]; then
	echo "ok - crypto.uuid makes distinct version 7 UUIDs"
else
	echo "not ok - crypto.uuid: $uuids"
	fail=1
fi

python3 "$top_srcdir/tests/sandbox/http_server.py" >"$tmp/port" &
server=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$tmp/port")
if [ -z "$port" ]; then
	echo "the test HTTP server did not start"
	exit 1
fi
for f in http_request http_refused feed_read; do
	sed "s/@PORT@/$port/g" "$top_srcdir/plugins/net/$f.json.in" >"$tmp/$f.json"
done
printf '{"token": "s3cr3t-value"}\n' >"$tmp/secrets.json"
chmod 600 "$tmp/secrets.json"
echo "# http_request (loopback allowed)"
"$tool" test "$libs/net.so" "$tmp/http_request.json" --allow-loopback --secrets "$tmp/secrets.json" || fail=1
echo "# http_request (default policy)"
"$tool" test "$libs/net.so" "$tmp/http_refused.json" || fail=1
echo "# feed_read (loopback allowed)"
"$tool" test "$libs/net.so" "$tmp/feed_read.json" --allow-loopback || fail=1
exit $fail
