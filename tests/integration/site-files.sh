#!/bin/bash
# The shipped etc/ files as they are: nginx and Apache accept the site files
# (the other tests run them with their addresses replaced), and systemd reads
# the unit without a warning.
# shellcheck source=lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init

dir=$IT_TMP/nginx
write_nginx_conf "$dir" 8080 /run/axon/axond.sock "$dir/error.log"
if out=$(nginx -t -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" 2>&1); then
	it_pass "nginx -t accepts etc/nginx/axon.conf"
else
	it_fail "nginx -t accepts etc/nginx/axon.conf" "$out"
fi

if command -v apache2 >/dev/null; then
	dir=$IT_TMP/apache
	mkdir -p "$dir"
	{
		for mod in mpm_event authz_core proxy proxy_fcgi; do
			echo "LoadModule ${mod}_module /usr/lib/apache2/modules/mod_$mod.so"
		done
		echo "ServerRoot $dir"
		echo "ServerName 127.0.0.1"
		echo "ErrorLog $dir/error.log"
		echo "Define APACHE_LOG_DIR $dir"
		echo "Include $top_srcdir/etc/apache/axon.conf"
	} >"$dir/apache.conf"
	if out=$(apache2 -t -f "$dir/apache.conf" 2>&1); then
		it_pass "apache2 -t accepts etc/apache/axon.conf"
	else
		it_fail "apache2 -t accepts etc/apache/axon.conf" "$out"
	fi
else
	echo "# apache2 is not installed: etc/apache/axon.conf not checked"
fi

if command -v systemd-analyze >/dev/null; then
	sed "s|/usr/sbin/axond|$top_builddir/axond|g" "$top_srcdir/etc/systemd/axond.service" >"$IT_TMP/axond.service"
	out=$(systemd-analyze verify --man=no "$IT_TMP/axond.service" 2>&1)
	check_eq "$?:$out" "0:" "systemd-analyze verify reads etc/systemd/axond.service without a warning"
	sed "s|/usr/bin/axonctl|$top_builddir/axonctl|g" "$top_srcdir/etc/systemd/axon-backup.service" \
		>"$IT_TMP/axon-backup.service"
	cp "$top_srcdir/etc/systemd/axon-backup.timer" "$IT_TMP/"
	out=$(systemd-analyze verify --man=no "$IT_TMP/axon-backup.service" "$IT_TMP/axon-backup.timer" 2>&1)
	check_eq "$?:$out" "0:" "systemd-analyze verify reads the nightly backup's service and timer without a warning"
else
	echo "# systemd-analyze is not installed: etc/systemd/axond.service not checked"
fi
it_done
