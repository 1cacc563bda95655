#!/bin/sh
# Every file under templates/ is listed in templates/local.mk, so that make
# install and the dist tarball carry it (the Webhook page once answered 500
# when installed: its template was not listed).
top_srcdir=${top_srcdir:-.}
fail=0 n=0
for f in $(cd "$top_srcdir" && find templates -type f ! -name local.mk | sort); do
	n=$((n + 1))
	if grep -qE "(^|[[:space:]])$f([[:space:]]|\\\\|\$)" "$top_srcdir/templates/local.mk"; then
		echo "ok - $f is shipped"
	else
		echo "not ok - $f is not listed in templates/local.mk"
		fail=1
	fi
done
[ "$n" -gt 0 ] || { echo "no templates found under $top_srcdir/templates"; exit 99; }
exit $fail
