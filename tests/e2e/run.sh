#!/bin/bash
# make check's browser test: axond behind nginx (tests/integration/lib.sh),
# then flow.js (accounts and workflows) and runs.js (running one, its run,
# webhook address) clicking through the pages in headless chromium, one after
# the other on the same server: runs.js, editor.js (the visual editor),
# editor-script.js, dashboard.js (the dashboard with the runs it makes) and
# code-field.js (a code block's settings form) sign in as the owner flow.js made;
# ai-stream.js watches a language model's answer stream onto the run page, and
# knowledge.js makes a knowledge base and adds a text on its pages.
# Screenshots go to $top_builddir/tests/e2e/screenshots/. E2E_SCRIPTS="flow.js ..."
# runs only those (flow.js first: it makes the owner the others sign in as).
# shellcheck source=SCRIPTDIR/../integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"
it_init
command -v node >/dev/null || it_skip "node is not installed (./quickstart check installs it)"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || it_skip "chromium is not installed (./quickstart check installs it)"
[ -d "$top_srcdir/tests/e2e/node_modules/playwright-core" ] ||
	it_skip "playwright-core is missing: cd tests/e2e && npm ci (./quickstart check does)"
# A local HTTP server whose /slow answers after 3 s: runs.js's run then goes
# on long enough for its page to be seen reloading itself.
SLOW_URL=
it_start_http_server && SLOW_URL=http://127.0.0.1:$HTTP_PORT/slow
# The scripted language model stand-in: ai-stream.js's answer comes from it a word at a time.
LLM_URL=
if command -v python3 >/dev/null; then
	python3 "$top_srcdir/tests/standins/scripted-llm/llm_standin.py" >"$IT_TMP/llm-port" &
	IT_PIDS+=($!)
	for ((i = 0; i < 50; i++)); do [ -s "$IT_TMP/llm-port" ] && break; sleep 0.1; done
	[ -s "$IT_TMP/llm-port" ] && LLM_URL=http://127.0.0.1:$(cat "$IT_TMP/llm-port")/v1
fi
it_start nginx "egress_allow_loopback = yes"

rm -rf "$top_builddir/tests/e2e/screenshots"
rc=0
for script in ${E2E_SCRIPTS:-flow.js runs.js run-live.js ai-stream.js knowledge.js editor.js editor-script.js editor-paste.js dashboard.js two-factor.js code-field.js}; do
	BASE_URL=$BASE_URL SLOW_URL=$SLOW_URL LLM_URL=$LLM_URL SCREENSHOTS=$top_builddir/tests/e2e/screenshots \
		NODE_PATH=$top_srcdir/tests/e2e/node_modules node "$top_srcdir/tests/e2e/$script" || rc=1
done
exit "$rc"
