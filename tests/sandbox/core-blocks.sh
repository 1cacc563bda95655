#!/bin/sh
# The core blocks' fixtures through axon-block test, in the sandbox axond
# uses; http.request against a local server, with loopback allowed and not.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
tool=$top_builddir/axon-block
libs=$top_builddir/plugins/.libs
fixtures=$top_srcdir/plugins/fixtures
tmp=$(mktemp -d)
server=
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0

for b in text_template json_set flow_if html_extract; do
	echo "# $b"
	"$tool" test "$libs/$b.so" "$fixtures/$b.json" || fail=1
done

python3 "$top_srcdir/tests/sandbox/http_server.py" >"$tmp/port" &
server=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$tmp/port")
if [ -z "$port" ]; then
	echo "the test HTTP server did not start"
	exit 1
fi
for f in http_request http_refused; do
	sed "s/@PORT@/$port/g" "$fixtures/$f.json.in" >"$tmp/$f.json"
done
printf '{"token": "s3cr3t-value"}\n' >"$tmp/secrets.json"
chmod 600 "$tmp/secrets.json"
echo "# http_request (loopback allowed)"
"$tool" test "$libs/http_request.so" "$tmp/http_request.json" --allow-loopback --secrets "$tmp/secrets.json" || fail=1
echo "# http_request (default policy)"
"$tool" test "$libs/http_request.so" "$tmp/http_refused.json" || fail=1
exit $fail
