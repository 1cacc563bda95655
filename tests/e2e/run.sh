#!/bin/bash
# make check's browser test: axond behind nginx (tests/integration/lib.sh),
# then flow.js clicking through the pages in headless chromium. Screenshots
# go to $top_builddir/tests/e2e/screenshots/.
# shellcheck source=SCRIPTDIR/../integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
command -v node >/dev/null || it_skip "node is not installed (./quickstart check installs it)"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || it_skip "chromium is not installed (./quickstart check installs it)"
[ -d "$top_srcdir/tests/e2e/node_modules/playwright-core" ] ||
	it_skip "playwright-core is missing: cd tests/e2e && npm ci (./quickstart check does)"
it_start nginx

rm -rf "$top_builddir/tests/e2e/screenshots"
BASE_URL=$BASE_URL SCREENSHOTS=$top_builddir/tests/e2e/screenshots \
	NODE_PATH=$top_srcdir/tests/e2e/node_modules node "$top_srcdir/tests/e2e/flow.js"
