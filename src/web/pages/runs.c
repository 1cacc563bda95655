/* Runs: the history with its filters, one run with its steps, a step's whole
 * outputs, cancel and retry; the dead letters and their retry. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "engine/engine.h"
#include "web/pages/decorate.h"
#include "web/pages/pages.h"

#define PER_PAGE 20
#define SHOW_MAX 4096 /* bytes of a JSON value shown on the run page; the rest by link */
#define DAY_MS (86400LL * 1000)

static const char *const run_statuses[] = { "queued", "running", "succeeded", "failed", "cancelled", NULL };

static bool is_status(const char *s)
{
	for (int i = 0; run_statuses[i]; i++)
		if (!strcmp(s, run_statuses[i]))
			return true;
	return false;
}

/* a == b; false when either is NULL (a value missing from a row). */
static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static bool is_active(const char *status)
{
	return status && (!strcmp(status, "queued") || !strcmp(status, "running"));
}

static const char *run_status(const json_t *run)
{
	const char *s = json_string_value(json_object_get(run, "status"));
	return s ? s : "";
}

/* How many bytes of s (valid UTF-8) to quote in a message: at most max, ending
 * on a character boundary. */
static int clip(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n > max) {
		n = max;
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	return (int)n;
}

/* A query value, or NULL when absent or empty. */
static const char *query(struct request *r, const char *name)
{
	const char *v = req_query(r, name);
	return v && *v ? v : NULL;
}

/* "YYYY-MM-DD", a day in UTC, as unix ms of its midnight; -1 when it is not one. */
static int64_t parse_day(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };
	time_t t = timegm(&tm);
	/* timegm normalizes: 2026-02-30 comes back as March. */
	if (y < 1970 || tm.tm_year != y - 1900 || tm.tm_mon != m - 1 || tm.tm_mday != d)
		return -1;
	return (int64_t)t * 1000;
}

/* A sentence from the store's message: capital first letter, final period. */
static char *store_sentence(struct request *r)
{
	const char *m = store_errmsg(r->st);
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, m && *m ? m : "That conflicts with the run as it is now");
	if (sb.data[0] >= 'a' && sb.data[0] <= 'z')
		sb.data[0] = (char)(sb.data[0] - 'a' + 'A');
	if (sb.data[sb.len - 1] != '.')
		sb_addc(&sb, '.');
	return sb_detach(&sb);
}

/* A store failure where NOTFOUND and CONFLICT carry the store's own sentence. */
static void reply_store_sentence(struct request *r, int rc)
{
	char *msg = rc == STORE_NOTFOUND || rc == STORE_CONFLICT ? store_sentence(r) : NULL;
	reply_store_error(r, rc, msg);
	free(msg);
}

/* ---- The list ---- */

struct filters {
	const char *workflow, *status, *since, *until;
};

/* Reads and checks the filters into q; false after answering 400 or 404. */
static bool read_filters(struct request *r, struct filters *f, struct run_query *q, json_t **workflow)
{
	char msg[200];
	if (f->status && !is_status(f->status)) {
		snprintf(msg, sizeof msg, "The status filter '%.*s' is not a status: use queued, running, succeeded, "
			 "failed or cancelled.", clip(f->status, 40), f->status);
		reply_error(r, 400, msg, NULL);
		return false;
	}
	q->status = f->status;
	const char *names[2] = { "since", "until" };
	const char *values[2] = { f->since, f->until };
	int64_t *to[2] = { &q->since, &q->until };
	for (int i = 0; i < 2; i++) {
		if (!values[i])
			continue;
		int64_t ms = parse_day(values[i]);
		if (ms < 0) {
			snprintf(msg, sizeof msg, "The date '%s' ('%.*s') should be a day written YYYY-MM-DD, as 2026-03-01 "
				 "(UTC).", names[i], clip(values[i], 40), values[i]);
			reply_error(r, 400, msg, NULL);
			return false;
		}
		*to[i] = i ? ms + DAY_MS : ms; /* until: up to the end of that day */
	}
	if (q->since && q->until && q->since >= q->until) {
		reply_error(r, 400, "The date 'since' is after 'until': no run can match.", NULL);
		return false;
	}
	if (f->workflow) {
		int rc = store_workflow_find(r->st, f->workflow, &q->workflow_id);
		if (rc == STORE_NOTFOUND) {
			snprintf(msg, sizeof msg, "There is no workflow '%.*s': give its number or its exact name.",
				 clip(f->workflow, 64), f->workflow);
			reply_error(r, 404, msg, NULL);
			return false;
		}
		json_t *wf = NULL;
		if (rc == STORE_OK)
			rc = store_workflow_get(r->st, q->workflow_id, 0, &wf);
		if (rc != STORE_OK) {
			reply_store_error(r, rc, "There is no such workflow.");
			return false;
		}
		char url[64];
		snprintf(url, sizeof url, "/workflows/%lld", (long long)q->workflow_id);
		*workflow = json_pack("{s:I,s:O,s:s}", "id", (json_int_t)q->workflow_id, "name",
				      json_object_get(wf, "name"), "url", url);
		json_decref(wf);
	}
	return true;
}

void runs_list(struct request *r)
{
	struct filters f = { query(r, "workflow"), query(r, "status"), query(r, "since"), query(r, "until") };
	long p = req_page(r);
	if (!p)
		return;
	struct run_query q = { 0, NULL, 0, 0, (int)p, PER_PAGE };
	json_t *workflow = NULL, *items = NULL;
	if (!read_filters(r, &f, &q, &workflow))
		return;
	int64_t total = 0;
	int rc = store_run_list(r->st, &q, &items, &total);
	if (rc != STORE_OK) {
		json_decref(workflow);
		reply_store_error(r, rc, NULL);
		return;
	}
	decorate_runs(items, now_ms());
	json_t *m = page_model(r, "Runs");
	json_object_set_new(m, "runs", items);
	json_object_set_new(m, "workflow", workflow ? workflow : json_null());
	json_object_set_new(m, "filters", json_pack("{s:s,s:s,s:s,s:s}", "workflow", f.workflow ? f.workflow : "",
						    "status", f.status ? f.status : "", "since", f.since ? f.since : "",
						    "until", f.until ? f.until : ""));
	json_object_set_new(m, "filtered", json_boolean(f.workflow || f.status || f.since || f.until));
	json_t *options = json_array();
	for (int i = 0; run_statuses[i]; i++)
		json_array_append_new(options, json_pack("{s:s,s:b}", "value", run_statuses[i], "selected",
							 f.status && !strcmp(f.status, run_statuses[i])));
	json_object_set_new(m, "status_options", options);
	const char *const keep[] = { "workflow", f.workflow, "status", f.status, "since", f.since, "until", f.until, NULL };
	set_pager(m, "/runs", p, total, PER_PAGE, keep);
	reply_view(r, 200, "runs/list", m);
}

/* ---- One run ---- */

/* The run as the engine has it now: a running run's store lags behind by
 * its quick steps and its start (engine_run_unrecorded). */
static void add_unrecorded(struct request *r, json_t *run)
{
	json_t *now = engine_run_unrecorded(r->app->engine, json_integer_value(json_object_get(run, "id")));
	if (!now)
		return;
	if (!strcmp(json_string_value(json_object_get(run, "status")) ?: "", "queued")) {
		json_object_set(run, "status", json_object_get(now, "status"));
		json_object_set(run, "started_at", json_object_get(now, "started_at"));
	}
	json_t *steps = json_object_get(run, "steps");
	size_t i, j;
	json_t *step, *known;
	json_array_foreach(json_object_get(now, "steps"), i, step) {
		const char *block = json_string_value(json_object_get(step, "block"));
		json_array_foreach(steps, j, known) {
			if (!strcmp(json_string_value(json_object_get(known, "block")) ?: "", block))
				break;
		}
		if (j < json_array_size(steps))
			json_array_set(steps, j, step);
		else
			json_array_append(steps, step);
	}
	json_decref(now);
}

/* The run named by the route's :id, or NULL after answering 404/503. */
static json_t *load_run(struct request *r)
{
	int64_t id = req_id_param(r, 0);
	json_t *run = NULL;
	int rc = id ? store_run_get(r->st, id, &run) : STORE_NOTFOUND;
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "There is no such run.");
		return NULL;
	}
	add_unrecorded(r, run);
	return run;
}

/* v as indented JSON for a <pre>, cut at SHOW_MAX bytes (on a character boundary). */
static json_t *shown_json(const json_t *v, bool *cut)
{
	char *s = json_dumps(v ? v : json_null(), JSON_INDENT(2) | JSON_ENCODE_ANY);
	size_t n = s ? strlen(s) : 0;
	*cut = n > SHOW_MAX;
	if (*cut) {
		n = SHOW_MAX;
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, s ? s : "null", s ? n : 4);
	if (*cut)
		sb_adds(&sb, "\n… (truncated)");
	free(s);
	json_t *text = json_stringn(sb.data, sb.len);
	sb_free(&sb);
	return text ? text : json_string("");
}

/* The log lines of a step for the table: level (or "progress"), the text, and
 * the attempt and item they came from. */
/* The log lines as the table shows them; the last progress report goes to
 * step.progress ({fraction, percent, message}), which the page draws as a bar. */
static void decorate_logs(json_t *step, json_t *logs)
{
	size_t i;
	json_t *line;
	json_array_foreach(logs, i, line) {
		if (!json_is_object(line))
			continue;
		const char *level = json_string_value(json_object_get(line, "level"));
		const char *message = json_string_value(json_object_get(line, "message"));
		json_t *progress = json_object_get(line, "progress");
		struct strbuf text = STRBUF_INIT;
		if (!level && json_is_number(progress)) {
			char percent[16];
			snprintf(percent, sizeof percent, "%.0f %%", json_number_value(progress) * 100);
			json_object_set_new(step, "progress", json_pack("{s:O, s:s, s:s}", "fraction", progress, "percent",
									 percent, "message", message ? message : ""));
			sb_printf(&text, "%.0f%%", json_number_value(progress) * 100);
			if (message)
				sb_addc(&text, ' ');
		}
		sb_adds(&text, message ? message : "");
		json_object_set_new(line, "level_text", json_string(level ? level : progress ? "progress" :
								   json_object_get(line, "usage") ? "usage" : ""));
		json_object_set_new(line, "text", json_string(sb_str(&text)));
		sb_reset(&text);
		json_t *attempt = json_object_get(line, "attempt"), *item = json_object_get(line, "item");
		if (json_integer_value(attempt) > 1)
			sb_printf(&text, "attempt %lld", (long long)json_integer_value(attempt));
		if (json_is_integer(item))
			sb_printf(&text, "%sitem %lld", text.len ? ", " : "", (long long)json_integer_value(item));
		json_object_set_new(line, "where", json_string(sb_str(&text)));
		json_object_set_new(line, "level_class",
				    json_string(level && (!strcmp(level, "error") || !strcmp(level, "warn")) ? level : ""));
		sb_free(&text);
	}
}

/* The tokens a step's language model calls used, from the usage lines of
 * its log ("12 in, 80 out"), or null when it made none. */
static json_t *step_tokens(const json_t *logs)
{
	json_int_t in = 0, out = 0;
	bool any = false;
	size_t i;
	json_t *line;
	json_array_foreach(logs, i, line) {
		json_t *usage = json_object_get(line, "usage");
		if (!json_is_object(usage))
			continue;
		any = true;
		in += json_integer_value(json_object_get(usage, "tokens_in"));
		out += json_integer_value(json_object_get(usage, "tokens_out"));
	}
	if (!any)
		return json_null();
	char text[64];
	snprintf(text, sizeof text, "%lld in, %lld out", (long long)in, (long long)out);
	return json_pack("{s:I, s:I, s:s}", "in", in, "out", out, "text", text);
}

/* Steps as the page shows them: the block's type, the values as text (cut
 * when big: then the JSON twin leaves the outputs out too and points to
 * outputs_url), the log table. Also lists the blocks that have not run. */
static void decorate_run_page(json_t *run, bool json)
{
	int64_t id = json_integer_value(json_object_get(run, "id")), now = now_ms();
	decorate_run(run, now);
	json_t *blocks = json_object_get(json_object_get(run, "definition"), "blocks");
	json_t *steps = json_object_get(run, "steps"), *step, *b;
	size_t i, j;
	bool cut;
	json_array_foreach(steps, i, step) {
		const char *block = json_string_value(json_object_get(step, "block"));
		decorate_step(step, id, now);
		json_array_foreach(blocks, j, b) {
			if (same(block, json_string_value(json_object_get(b, "id"))))
				json_object_set(step, "type", json_object_get(b, "type"));
		}
		json_object_set_new(step, "inputs_text", shown_json(json_object_get(step, "inputs"), &cut));
		json_object_set_new(step, "inputs_truncated", json_boolean(cut));
		json_t *outputs = json_object_get(step, "outputs");
		bool has = outputs && !json_is_null(outputs);
		cut = false;
		json_object_set_new(step, "has_outputs", json_boolean(has));
		json_object_set_new(step, "outputs_text", has ? shown_json(outputs, &cut) : json_null());
		json_object_set_new(step, "outputs_truncated", json_boolean(cut));
		if (cut && json)
			json_object_set_new(step, "outputs", json_null()); /* at outputs_url */
		json_t *logs = json_object_get(step, "logs");
		if (!json_is_array(logs))
			json_object_set_new(step, "logs", logs = json_array());
		decorate_logs(step, logs);
		json_object_set_new(step, "tokens", step_tokens(logs));
		json_object_set_new(step, "log_count", json_integer((json_int_t)json_array_size(logs)));
		const char *status = json_string_value(json_object_get(step, "status"));
		json_object_set_new(step, "failed", json_boolean(same(status, "failed")));
	}
	json_t *not_run = json_array();
	json_array_foreach(blocks, j, b) {
		const char *bid = json_string_value(json_object_get(b, "id"));
		bool seen = false;
		json_array_foreach(steps, i, step) seen = seen || same(bid, json_string_value(json_object_get(step, "block")));
		json_t *type = json_object_get(b, "type");
		if (bid && !seen)
			json_array_append_new(not_run, json_pack("{s:s,s:O}", "id", bid, "type", type ? type : json_null()));
	}
	json_object_set_new(run, "not_run", not_run);
	json_object_set_new(run, "input_text", shown_json(json_object_get(run, "input"), &cut));
	json_object_set_new(run, "input_truncated", json_boolean(cut));
	json_t *reply = json_object_get(run, "reply");
	json_object_set_new(run, "has_reply", json_boolean(reply && !json_is_null(reply)));
	json_object_set_new(run, "reply_text", reply && !json_is_null(reply) ? shown_json(reply, &cut) : json_null());
	char url[64];
	snprintf(url, sizeof url, "/runs/%lld/cancel", (long long)id);
	json_object_set_new(run, "cancel_url", json_string(url));
	snprintf(url, sizeof url, "/runs/%lld/retry", (long long)id);
	json_object_set_new(run, "retry_url", json_string(url));
}

void run_show(struct request *r)
{
	json_t *run = load_run(r);
	if (!run)
		return;
	decorate_run_page(run, r->json);
	const char *status = run_status(run);
	bool editor = r->user.role >= ROLE_EDITOR;
	char title[48];
	snprintf(title, sizeof title, "Run %lld", (long long)json_integer_value(json_object_get(run, "id")));
	json_t *m = page_model(r, title);
	json_object_set_new(m, "can_cancel", json_boolean(editor && is_active(status)));
	json_object_set_new(m, "can_retry",
			    json_boolean(editor && (!strcmp(status, "failed") || !strcmp(status, "cancelled"))));
	/* A run still going: its page follows the live events (run-page.js),
	 * from the oldest the engine holds: the store has a step's logs only
	 * once it ended, the events have them as they come. Without
	 * JavaScript the page reloads itself (a <noscript> refresh). */
	if (is_active(status)) {
		char url[64];
		snprintf(url, sizeof url, "/runs/%lld/events", (long long)json_integer_value(json_object_get(run, "id")));
		json_object_set_new(run, "live_url", json_string(url));
	}
	json_object_set_new(m, "run", run);
	reply_view(r, 200, "runs/show", m);
}

void run_step_outputs(struct request *r)
{
	json_t *run = load_run(r);
	if (!run)
		return;
	const char *block = r->params[1];
	json_t *steps = json_object_get(run, "steps"), *step, *found = NULL;
	size_t i;
	json_array_foreach(steps, i, step) {
		if (!found && same(block, json_string_value(json_object_get(step, "block"))))
			found = step;
	}
	if (!found) {
		char msg[160];
		/* Block ids are [a-z0-9_]: anything else from the address is not quoted. */
		if (strlen(block) <= 64 && strspn(block, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(block))
			snprintf(msg, sizeof msg, "Run %lld has no step '%s'.", (long long)req_id_param(r, 0), block);
		else
			snprintf(msg, sizeof msg, "Run %lld has no such step.", (long long)req_id_param(r, 0));
		json_decref(run);
		reply_error(r, 404, msg, NULL);
		return;
	}
	json_t *outputs = json_object_get(found, "outputs");
	char *text = json_dumps(outputs ? outputs : json_null(), JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);
	json_decref(run);
	if (!text) {
		reply_error(r, 500, "The outputs could not be encoded.", NULL);
		return;
	}
	reply_raw(r, 200, "application/json", text, strlen(text));
	free(text);
}

/* After a cancel or retry: the run as it is now, or its page. */
static void reply_run_done(struct request *r, int64_t id, const char *key, json_t *extra)
{
	json_t *run = NULL;
	int rc = store_run_get(r->st, id, &run);
	if (rc != STORE_OK) {
		json_decref(extra);
		reply_store_error(r, rc, "There is no such run.");
		return;
	}
	decorate_run_page(run, true);
	char loc[64];
	snprintf(loc, sizeof loc, "/runs/%lld", (long long)id);
	json_t *m = json_pack("{s:o}", "run", run);
	if (key)
		json_object_set_new(m, key, extra);
	reply_done(r, 200, loc, m);
}

void run_cancel(struct request *r)
{
	json_t *run = load_run(r);
	if (!run)
		return;
	int64_t id = req_id_param(r, 0);
	char msg[200];
	if (engine_cancel(r->app->engine, id) < 0) {
		/* Not in the engine's hands: read again, it may have ended or started meanwhile. */
		json_decref(run);
		if (!(run = load_run(r)))
			return;
		const char *status = run_status(run);
		if (!strcmp(status, "queued"))
			snprintf(msg, sizeof msg, "Run %lld is queued and has not started yet: it can be cancelled once it "
				 "starts (in a moment, when a worker is free).", (long long)id);
		else if (!strcmp(status, "running"))
			snprintf(msg, sizeof msg, "Run %lld is marked running but is not running in this axond: it goes on "
				 "(or ends) when axond next starts.", (long long)id);
		else
			snprintf(msg, sizeof msg, "Run %lld has already ended (%s): there is nothing to cancel.",
				 (long long)id, status);
		json_decref(run);
		reply_error(r, 409, msg, NULL);
		return;
	}
	json_decref(run);
	/* The blocks running now end first; a short wait shows most runs cancelled already. */
	engine_wait(r->app->engine, r->st, id, 1000);
	reply_run_done(r, id, "cancel_requested", json_true());
}

void run_retry(struct request *r)
{
	json_t *run = load_run(r);
	if (!run)
		return;
	enum run_priority priority = workflow_priority(json_object_get(run, "definition"));
	json_decref(run);
	int64_t id = req_id_param(r, 0);
	int rc = store_run_requeue(r->st, r->user.id, id);
	if (rc != STORE_OK) {
		reply_store_sentence(r, rc);
		return;
	}
	engine_notify_priority(r->app->engine, id, priority);
	reply_run_done(r, id, NULL, NULL);
}

/* ---- Dead letters ---- */

void dead_letters_list(struct request *r)
{
	json_t *letters = NULL;
	int rc = store_dead_letter_list(r->st, &letters);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	decorate_dead_letters(letters);
	json_t *m = page_model(r, "Dead letters");
	json_object_set_new(m, "empty", json_boolean(json_array_size(letters) == 0));
	json_object_set_new(m, "dead_letters", letters);
	reply_view(r, 200, "runs/dead_letters", m);
}

void dead_letter_retry(struct request *r)
{
	int64_t id = req_id_param(r, 0), run_id = 0;
	if (!id) {
		reply_error(r, 404, "There is no such dead letter.", NULL);
		return;
	}
	int rc = store_dead_letter_retry(r->st, r->user.id, id, &run_id);
	if (rc != STORE_OK) {
		reply_store_sentence(r, rc);
		return;
	}
	engine_notify(r->app->engine, run_id);
	reply_run_done(r, run_id, "retried_dead_letter", json_integer(id));
}
