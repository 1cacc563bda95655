#include "metrics/metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "metrics/label_table.h"
#include "ratelimit.h"
#include "sandbox/sandbox.h"

/* Sizes bound the label sets: about 70 routes, workflows, block types. */
static struct label_slot http_slots[256], run_slots[1024], block_slots[256];
static struct label_table http = { 256, http_slots, { 0 } };
static struct label_table runs = { 1024, run_slots, { 0 } };
static struct label_table blocks = { 256, block_slots, { 0 } };

/* The status codes axond answers with; any other counts as "other". */
static const int http_codes[] = { 200, 201, 202, 204, 301, 302, 303, 304, 307, 308, 400, 401,
				  403, 404, 405, 409, 410, 413, 415, 422, 429, 500, 502, 503 };
#define HTTP_CODES (sizeof http_codes / sizeof http_codes[0])
_Static_assert(HTTP_CODES + 1 <= LABEL_COUNTERS, "a counter per status code and one for the rest");

static const char *const run_statuses[] = { "succeeded", "failed", "cancelled" };
#define RUN_STATUSES (sizeof run_statuses / sizeof run_statuses[0])
_Static_assert(RUN_OUTCOMES <= LABEL_COUNTERS, "a counter per sandbox outcome");

static void count(struct label_slot *s, size_t i)
{
	atomic_fetch_add_explicit(&s->counter[i], 1, memory_order_relaxed);
}

void metrics_http_request(const char *method, const char *route, int status, double seconds)
{
	char key[LABEL_KEY_MAX];
	/* An unmatched request's method is whatever the client sent: not a label value. */
	snprintf(key, sizeof key, "%s %s", route ? method : "other", route ? route : "none");
	size_t code = 0;
	while (code < HTTP_CODES && http_codes[code] != status)
		code++;
	struct label_slot *s = label_slot(&http, key);
	count(s, code);
	hist_observe(&s->hist, seconds);
}

void metrics_run_finished(int64_t workflow_id, const char *status, double seconds)
{
	size_t i = 0;
	while (i < RUN_STATUSES && strcmp(run_statuses[i], status))
		i++;
	if (i == RUN_STATUSES)
		return;
	char key[24] = "none";
	if (workflow_id)
		snprintf(key, sizeof key, "%lld", (long long)workflow_id);
	struct label_slot *s = label_slot(&runs, key);
	count(s, i);
	hist_observe(&s->hist, seconds);
}

void metrics_block_execution(const char *block_type, int outcome, double seconds)
{
	if (outcome < 0 || outcome >= RUN_OUTCOMES)
		return;
	struct label_slot *s = label_slot(&blocks, block_type);
	count(s, (size_t)outcome);
	hist_observe(&s->hist, seconds);
}

/* Appends name="value" to a label list, value with backslash, double quote
 * and newline escaped. */
static void add_label(struct strbuf *out, const char *name, const char *value, size_t len)
{
	sb_printf(out, "%s%s=\"", out->len ? "," : "", name);
	for (size_t i = 0; i < len; i++) {
		if (value[i] == '\n') {
			sb_adds(out, "\\n");
			continue;
		}
		if (value[i] == '\\' || value[i] == '"')
			sb_addc(out, '\\');
		sb_addc(out, value[i]);
	}
	sb_addc(out, '"');
}

static void head(struct strbuf *out, const char *name, const char *type, const char *help)
{
	sb_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static uint64_t read_counter(const struct label_slot *s, size_t i)
{
	return atomic_load_explicit(&s->counter[i], memory_order_relaxed);
}

static void render_http(struct strbuf *out)
{
	struct strbuf labels = STRBUF_INIT;
	const struct label_slot *s;
	head(out, "axon_http_requests_total", "counter", "HTTP requests answered, by method, route pattern and status code.");
	for (size_t pos = 0; (s = label_next(&http, &pos));) {
		for (size_t c = 0; c <= HTTP_CODES; c++) {
			uint64_t n = read_counter(s, c);
			if (!n)
				continue;
			size_t sp = strcspn(s->key, " ");
			char code[8] = "other";
			if (c < HTTP_CODES)
				snprintf(code, sizeof code, "%d", http_codes[c]);
			sb_reset(&labels);
			add_label(&labels, "method", s->key, sp);
			add_label(&labels, "route", s->key + sp + 1, strlen(s->key + sp + 1));
			add_label(&labels, "code", code, strlen(code));
			sb_printf(out, "axon_http_requests_total{%s} %llu\n", labels.data, (unsigned long long)n);
		}
	}
	head(out, "axon_http_request_duration_seconds", "histogram",
	     "Time from a request's arrival at axond to its answer, by method and route pattern.");
	for (size_t pos = 0; (s = label_next(&http, &pos));) {
		size_t sp = strcspn(s->key, " ");
		sb_reset(&labels);
		add_label(&labels, "method", s->key, sp);
		add_label(&labels, "route", s->key + sp + 1, strlen(s->key + sp + 1));
		hist_render(out, "axon_http_request_duration_seconds", labels.data, &s->hist);
	}
	sb_free(&labels);
}

static void render_runs(struct strbuf *out)
{
	struct strbuf labels = STRBUF_INIT;
	const struct label_slot *s;
	head(out, "axon_runs_finished_total", "counter", "Runs that ended, by workflow id and final status.");
	for (size_t pos = 0; (s = label_next(&runs, &pos));)
		for (size_t i = 0; i < RUN_STATUSES; i++) {
			sb_reset(&labels);
			add_label(&labels, "workflow_id", s->key, strlen(s->key));
			add_label(&labels, "status", run_statuses[i], strlen(run_statuses[i]));
			sb_printf(out, "axon_runs_finished_total{%s} %llu\n", labels.data,
				  (unsigned long long)read_counter(s, i));
		}
	head(out, "axon_run_duration_seconds", "histogram", "Time runs took, from loading to their end, by workflow id.");
	for (size_t pos = 0; (s = label_next(&runs, &pos));) {
		sb_reset(&labels);
		add_label(&labels, "workflow_id", s->key, strlen(s->key));
		hist_render(out, "axon_run_duration_seconds", labels.data, &s->hist);
	}
	sb_free(&labels);
}

static void render_blocks(struct strbuf *out)
{
	struct strbuf labels = STRBUF_INIT;
	const struct label_slot *s;
	head(out, "axon_sandbox_executions_total", "counter",
	     "Block executions in the sandbox, by block type and outcome (ok, error, violation, timeout, ...).");
	for (size_t pos = 0; (s = label_next(&blocks, &pos));)
		for (int o = 0; o < RUN_OUTCOMES; o++) {
			const char *name = run_outcome_name((enum run_outcome)o);
			sb_reset(&labels);
			add_label(&labels, "block_type", s->key, strlen(s->key));
			add_label(&labels, "outcome", name, strlen(name));
			sb_printf(out, "axon_sandbox_executions_total{%s} %llu\n", labels.data,
				  (unsigned long long)read_counter(s, (size_t)o));
		}
	head(out, "axon_step_duration_seconds", "histogram", "Time block executions took in the sandbox, by block type.");
	for (size_t pos = 0; (s = label_next(&blocks, &pos));) {
		sb_reset(&labels);
		add_label(&labels, "block_type", s->key, strlen(s->key));
		hist_render(out, "axon_step_duration_seconds", labels.data, &s->hist);
	}
	sb_free(&labels);
}

static void render_rate_limits(struct strbuf *out)
{
	head(out, "axon_rate_limited_total", "counter",
	     "Requests refused with 429 by a rate limit of axon.conf, by limit (api_user, api_token, runs, webhook).");
	for (int k = 0; k < RATELIMIT_KINDS; k++)
		sb_printf(out, "axon_rate_limited_total{limit=\"%s\"} %llu\n", ratelimit_kind_name((enum ratelimit_kind)k),
			  (unsigned long long)ratelimit_refused((enum ratelimit_kind)k));
}

static struct label_slot provider_slots[64];
static struct label_table providers = { 64, provider_slots, { 0 } };

void metrics_llm_tokens(const char *provider, long long tokens_in, long long tokens_out)
{
	struct label_slot *s = label_slot(&providers, provider);
	atomic_fetch_add_explicit(&s->counter[0], tokens_in > 0 ? (uint64_t)tokens_in : 0, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->counter[1], tokens_out > 0 ? (uint64_t)tokens_out : 0, memory_order_relaxed);
}

static void render_llm(struct strbuf *out)
{
	struct strbuf labels = STRBUF_INIT;
	const struct label_slot *s;
	head(out, "axon_llm_tokens_total", "counter",
	     "Tokens language model calls used, by provider (its base URL's origin) and direction (in: the prompt, out: the answer).");
	for (size_t pos = 0; (s = label_next(&providers, &pos));)
		for (size_t d = 0; d < 2; d++) {
			sb_reset(&labels);
			add_label(&labels, "provider", s->key, strlen(s->key));
			add_label(&labels, "direction", d ? "out" : "in", d ? 3 : 2);
			sb_printf(out, "axon_llm_tokens_total{%s} %llu\n", labels.data, (unsigned long long)read_counter(s, d));
		}
	sb_free(&labels);
}

static atomic_ullong refresh_failures;

void metrics_credential_refresh_failed(void)
{
	atomic_fetch_add_explicit(&refresh_failures, 1, memory_order_relaxed);
}

static void render_credentials(struct strbuf *out)
{
	head(out, "axon_credential_refresh_failures_total", "counter",
	     "OAuth 2.0 credentials whose tokens could not be renewed, each then marked as needing reconnecting.");
	sb_printf(out, "axon_credential_refresh_failures_total %llu\n",
		  (unsigned long long)atomic_load_explicit(&refresh_failures, memory_order_relaxed));
}

void metrics_render(struct strbuf *out)
{
	render_http(out);
	render_runs(out);
	render_blocks(out);
	render_rate_limits(out);
	render_credentials(out);
	render_llm(out);
}

void metrics_node(struct strbuf *out, const char *node)
{
	head(out, "axon_node_info", "gauge", "This axond's node_name (several nodes may share one database): always 1.");
	struct strbuf label = STRBUF_INIT;
	add_label(&label, "node", node, strlen(node));
	sb_printf(out, "axon_node_info{%s} 1\n", label.data);
	sb_free(&label);
}

void metrics_sample(struct strbuf *out, const char *name, const char *type, const char *help, double value)
{
	head(out, name, type, help);
	sb_printf(out, "%s %.17g\n", name, value);
}
