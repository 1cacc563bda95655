# Integration tests: a real axond behind real nginx and Apache, driven with
# curl (lib.sh starts and stops everything; flow.sh is the flow both fronts run).
INTEGRATION_TESTS = tests/integration/nginx-flow.sh tests/integration/apache-flow.sh \
	tests/integration/config-errors.sh tests/integration/signals.sh tests/integration/daemon.sh \
	tests/integration/db-errors.sh tests/integration/shellcheck.sh tests/integration/site-files.sh \
	tests/integration/engine.sh tests/integration/flow-wait.sh \
	tests/integration/web-edges.sh tests/integration/runs-pages.sh \
	tests/integration/axonctl.sh tests/integration/everyday-blocks.sh \
	tests/integration/code.sh tests/integration/code-check.sh tests/integration/editor.sh tests/integration/quickstart.sh \
	tests/integration/new-workflow.sh tests/integration/run-form.sh \
	tests/integration/run-page.sh tests/integration/workflow-list.sh tests/integration/block-pages.sh \
	tests/integration/trigger-pages.sh tests/integration/templates-shipped.sh \
	tests/integration/editor-script.sh tests/integration/editor-paste.sh tests/integration/metrics.sh tests/integration/dashboard.sh \
	tests/integration/credentials-ctl.sh tests/integration/credentials-web.sh \
	tests/integration/credentials-oauth2.sh \
	tests/integration/webhook-guard.sh \
	tests/integration/http-request.sh tests/integration/mail-send.sh tests/integration/mail-read.sh tests/integration/client-cert.sh tests/integration/credential-refs.sh tests/integration/chat-post.sh \
	tests/integration/feed-read.sh tests/integration/poll-trigger.sh tests/integration/db-query.sh \
	tests/integration/db-sqlite.sh \
	tests/integration/live-events-nginx.sh tests/integration/live-events-apache.sh tests/integration/events-relay.sh tests/integration/editor-test-run.sh \
	tests/integration/two-factor.sh tests/integration/sessions.sh tests/integration/backup.sh \
	tests/integration/rate-limits.sh tests/integration/priorities.sh \
	tests/integration/cluster.sh tests/integration/migrate.sh tests/integration/pg-away.sh
TESTS += $(INTEGRATION_TESTS)
# The authorization server the OAuth 2.0 test runs (npm ci installs it, as quickstart does).
EXTRA_DIST += tests/standins/oidc/server.js tests/standins/oidc/package.json tests/standins/oidc/package-lock.json
EXTRA_DIST += $(INTEGRATION_TESTS) tests/integration/lib.sh tests/integration/nginx-conf.sh \
	tests/integration/flow.sh tests/integration/.shellcheckrc \
	tests/integration/smtp-server.py tests/integration/chat-standins.py tests/integration/live-events.sh \
	tests/integration/dovecot.sh tests/integration/sqlite-shims.sql

bench_scripts += tests/bench/web-bench.sh tests/bench/engine-bench.sh tests/bench/peer-bench.sh tests/bench/scale-bench.sh \
	tests/bench/editor-bench.sh tests/bench/code-bench.sh tests/bench/dashboard-bench.sh
EXTRA_DIST += tests/bench/web-bench.sh tests/bench/engine-bench.sh tests/bench/wrk-lib.sh \
	tests/bench/peer-bench.sh tests/bench/scale-bench.sh tests/bench/usage-lib.sh tests/bench/sum_block.c tests/bench/editor-bench.sh \
	tests/bench/code-bench.sh tests/bench/dashboard-bench.sh tests/bench/seed-runs.sh

# The ai blocks in workflow runs against the language model stand-ins.
INTEGRATION_TESTS += tests/integration/ai-blocks.sh tests/integration/gallery.sh tests/integration/knowledge.sh
