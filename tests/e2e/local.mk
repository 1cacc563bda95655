# The browser test: headless chromium through nginx (run.sh starts the servers
# with tests/integration/lib.sh). Its node_modules come from "npm ci" here.
TESTS += tests/e2e/run.sh tests/e2e/oauth2.sh
EXTRA_DIST += tests/e2e/run.sh tests/e2e/oauth2.sh tests/e2e/oauth2-connect.js tests/e2e/flow.js tests/e2e/runs.js tests/e2e/run-live.js tests/e2e/ai-stream.js tests/e2e/knowledge.js tests/e2e/browser.js \
	tests/e2e/editor.js tests/e2e/editor-script.js tests/e2e/editor-paste.js tests/e2e/dashboard.js tests/e2e/code-field.js tests/e2e/page-summary.js tests/e2e/screenshot.sh tests/e2e/screenshot.js tests/e2e/two-factor.js \
	tests/e2e/package.json tests/e2e/package-lock.json tests/e2e/.shellcheckrc
CLEANFILES += tests/e2e/screenshots/*.png
