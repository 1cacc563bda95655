#!/bin/sh
# The SDK as an author gets it from `make install`: installed into a DESTDIR,
# a block made by the installed `axon-block new` builds with cc and the
# installed axon-block.pc alone (no source tree, no build tree), and passes
# its fixtures in the installed axon-block; its make install puts the plugin
# and its fixtures (the examples on its block's page) into a plugin folder.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
for t in pkg-config cc make; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/axon-sdk.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root
fail=0
check() { # DESCRIPTION WANT GOT
	if [ "$2" = "$3" ]; then echo "ok - $1"; else echo "not ok - $1: got '$3', want '$2'"; fail=1; fi
}

# A variable of this build's Makefile (configure may have changed any path).
# shellcheck disable=SC2016 # $(%s) is for make, not the shell
var() {
	printf 'include Makefile\nprint-var:\n\t@echo $(%s)\n' "$1" |
		(cd "$top_builddir" && MAKEFLAGS='' MFLAGS='' ${MAKE:-make} -s -f - print-var)
}

# make install must find everything built: when a source changed since make
# check built the tree, it would rebuild axond and axon-block under the tests
# running beside this one. (build-config.h's stamp rule always looks stale.)
products="$(var bin_PROGRAMS) $(var sbin_PROGRAMS) $(var pkglib_LTLIBRARIES) $(var systemdunit_DATA) $(var pkgconfig_DATA)"
# shellcheck disable=SC2086 # a list of files
if ! (cd "$top_builddir" && MAKEFLAGS='' MFLAGS='' ${MAKE:-make} -q -o build-config.h -o stamp-h1 $products) >/dev/null 2>&1; then
	echo "SKIP: the build tree is older than its sources (run make): make install would rebuild it while other tests run"
	exit 77
fi

# Without the outer make's flags: its jobserver is not ours, and its command
# line (TESTS=...) is not for install.
(cd "$top_builddir" && MAKEFLAGS='' MFLAGS='' ${MAKE:-make} install DESTDIR="$dest") >"$tmp/install.log" 2>&1
rc=$?
check "make install DESTDIR=..." 0 $rc
[ $rc = 0 ] || { tail -n 30 "$tmp/install.log"; exit 1; }

prefix=$(var prefix)
bindir=$(var bindir)
includedir=$(var includedir)
pcdir=$(var pkgconfigdir)
tool=$dest$bindir/axon-block
for f in "$tool" "$dest$includedir/axon/block.h" "$dest$pcdir/axon-block.pc"; do
	[ -e "$f" ] || { echo "not ok - make install put no ${f#"$dest"}"; fail=1; }
done
[ $fail = 0 ] || exit 1

# The .pc names the real prefix; pointed at the DESTDIR copy instead.
pc() {
	PKG_CONFIG_PATH=$dest$pcdir pkg-config --define-variable=prefix="$dest$prefix" "$@" axon-block
}
flags=$(pc --cflags --libs)
check "pkg-config finds the installed axon-block.pc" 0 $?
case " $flags " in
*" -I$dest$includedir "*) echo "ok - its Cflags name the installed headers" ;;
*) echo "not ok - its Cflags do not name $dest$includedir: $flags"; fail=1 ;;
esac
check "its version is this build's" "$(var PACKAGE_VERSION)" "$(pc --modversion)"

mkdir "$tmp/work"
(cd "$tmp/work" && "$tool" new acme.greet) 2>"$tmp/new.err"
check "the installed axon-block new makes a block" 0 $?
# shellcheck disable=SC2086 # $flags is a list of words
(cd "$tmp/work/acme-greet" && cc -shared -fPIC -o acme-greet.so block.c $flags) >"$tmp/cc.log" 2>&1
rc=$?
check "it builds with cc -shared -fPIC \$(pkg-config --cflags --libs axon-block)" 0 $rc
[ $rc = 0 ] || cat "$tmp/cc.log"
(cd "$tmp/work/acme-greet" && "$tool" test ./acme-greet.so fixtures.json) >"$tmp/test.out" 2>&1
check "its fixtures pass in the installed axon-block" 0 $?
grep -q '^ok 3 - no name' "$tmp/test.out" || { echo "not ok - its TAP:"; cat "$tmp/test.out"; fail=1; }
"$tool" info "$tmp/work/acme-greet/acme-greet.so" | grep -q '"name": "acme.greet"'
check "the installed axon-block info reads it" 0 $?
(cd "$tmp/work/acme-greet" && MAKEFLAGS= MFLAGS= ${MAKE:-make} -s install PLUGIN_DIR="$tmp/plugins") >"$tmp/make-install.log" 2>&1
check "its make install PLUGIN_DIR=... succeeds" 0 $?
cmp -s "$tmp/work/acme-greet/acme-greet.so" "$tmp/plugins/acme-greet.so"
check "... installs the plugin" 0 $?
cmp -s "$tmp/work/acme-greet/fixtures.json" "$tmp/plugins/examples/acme-greet/fixtures.json"
check "... and its fixtures as the examples on its block's page" 0 $?
exit $fail
