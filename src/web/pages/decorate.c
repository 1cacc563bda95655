#include "web/pages/decorate.h"

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "strbuf.h"

void add_time(json_t *obj, const char *from, const char *to)
{
	json_t *v = json_object_get(obj, from);
	if (!json_is_integer(v)) {
		json_object_set_new(obj, to, json_string("never"));
		return;
	}
	time_t t = (time_t)json_integer_value(v);
	struct tm tm;
	char buf[32];
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
	json_object_set_new(obj, to, json_string(buf));
}

static void set_url(json_t *obj, const char *key, const char *base, long long id, const char *suffix)
{
	char url[128];
	snprintf(url, sizeof url, "%s/%lld%s", base, id, suffix);
	json_object_set_new(obj, key, json_string(url));
}

/* What a row of the list needs: its link, its time, its tags' links. Built
 * without json_pack: the list page is the busiest. */
static void decorate_row(json_t *wf)
{
	char buf[48];
	int n = snprintf(buf, sizeof buf, "/workflows/%lld", (long long)json_integer_value(json_object_get(wf, "id")));
	json_object_setn_new_nocheck(wf, "url", 3, json_stringn_nocheck(buf, (size_t)n));
	add_time(wf, "updated_at", "updated");
	json_t *links = json_array(), *t;
	struct strbuf url = STRBUF_INIT;
	size_t i;
	json_array_foreach(json_object_get(wf, "tags"), i, t) {
		sb_reset(&url);
		sb_adds(&url, "/workflows?tag=");
		sb_add_urlenc(&url, json_string_value(t));
		json_t *link = json_object();
		json_object_setn_new_nocheck(link, "name", 4, json_incref(t));
		json_object_setn_new_nocheck(link, "url", 3, json_stringn_nocheck(url.data, url.len));
		json_array_append_new(links, link);
	}
	sb_free(&url);
	json_object_setn_new_nocheck(wf, "tag_links", 9, links);
	n = snprintf(buf, sizeof buf, "/workflows/%lld/active", (long long)json_integer_value(json_object_get(wf, "id")));
	json_object_setn_new_nocheck(wf, "active_url", 10, json_stringn_nocheck(buf, (size_t)n));
	/* The switch: what it shows and what a press makes of it. */
	bool active = json_is_true(json_object_get(wf, "active"));
	json_object_setn_new_nocheck(wf, "inactive", 8, json_boolean(!active));
	json_object_setn_new_nocheck(wf, "active_text", 11, json_string(active ? "on" : "off"));
	json_object_setn_new_nocheck(wf, "switch_to", 9, json_string(active ? "0" : "1"));
	json_object_setn_new_nocheck(wf, "switch_class", 12, json_string(active ? "switch-on" : "switch-off"));
	json_object_setn_new_nocheck(wf, "switch_label", 12,
				     json_string(active ? "Active: its webhook and schedule fire. Switch off"
							: "Inactive: its webhook and schedule do not fire. Switch on"));
	json_t *last = json_object_get(wf, "last_run");
	if (json_is_object(last)) {
		n = snprintf(buf, sizeof buf, "/runs/%lld", (long long)json_integer_value(json_object_get(last, "id")));
		json_object_setn_new_nocheck(last, "url", 3, json_stringn_nocheck(buf, (size_t)n));
		const char *status = json_string_value(json_object_get(last, "status"));
		n = snprintf(buf, sizeof buf, "status status-%s", status ? status : "unknown");
		json_object_setn_new_nocheck(last, "status_class", 12, json_stringn_nocheck(buf, (size_t)n));
		add_time_ms(last, "created_at", "created", "");
	}
}

void decorate_workflow(json_t *wf)
{
	long long id = json_integer_value(json_object_get(wf, "id"));
	decorate_row(wf);
	set_url(wf, "edit_url", "/workflows", id, "/edit");
	set_url(wf, "json_url", "/workflows", id, "/json");
	set_url(wf, "versions_url", "/workflows", id, "/versions");
	set_url(wf, "export_url", "/workflows", id, "/export");
	set_url(wf, "delete_url", "/workflows", id, "/delete");
	set_url(wf, "run_url", "/workflows", id, "/run");
	set_url(wf, "webhook_url", "/workflows", id, "/webhook");
	char runs[64];
	snprintf(runs, sizeof runs, "/runs?workflow=%lld", (long long)id);
	json_object_set_new(wf, "runs_url", json_string(runs));
	if (json_object_get(wf, "version")) {
		char suffix[48];
		snprintf(suffix, sizeof suffix, "/versions/%lld/restore",
			 (long long)json_integer_value(json_object_get(wf, "version")));
		set_url(wf, "restore_url", "/workflows", id, suffix);
	}
	add_time(wf, "created_at", "created");
}

void decorate_workflows(json_t *list)
{
	size_t i;
	json_t *wf;
	json_array_foreach(list, i, wf) decorate_row(wf);
}

void decorate_versions(json_t *versions, int64_t workflow_id)
{
	size_t i;
	json_t *v;
	json_array_foreach(versions, i, v) {
		char suffix[32];
		snprintf(suffix, sizeof suffix, "/versions/%lld", (long long)json_integer_value(json_object_get(v, "version")));
		set_url(v, "url", "/workflows", (long long)workflow_id, suffix);
		add_time(v, "created_at", "created");
	}
}

void decorate_users(json_t *users, int64_t me)
{
	size_t i;
	json_t *u;
	json_array_foreach(users, i, u) {
		long long id = json_integer_value(json_object_get(u, "id"));
		set_url(u, "disable_url", "/users", id, "/disable");
		set_url(u, "enable_url", "/users", id, "/enable");
		set_url(u, "two_factor_reset_url", "/users", id, "/two-factor/reset");
		json_object_set_new(u, "can_disable", json_boolean(id != me && !json_is_true(json_object_get(u, "disabled")) &&
								    json_integer_value(json_object_get(u, "disabled")) == 0));
		add_time(u, "created_at", "created");
	}
}

void decorate_tokens(json_t *tokens)
{
	size_t i;
	json_t *t;
	json_array_foreach(tokens, i, t) {
		set_url(t, "revoke_url", "/tokens", (long long)json_integer_value(json_object_get(t, "id")), "/revoke");
		add_time(t, "created_at", "created");
		add_time(t, "last_used_at", "last_used");
	}
}

/* Runs, steps and dead letters: their times are unix milliseconds. */
#include <string.h>

void add_time_ms(json_t *obj, const char *from, const char *to, const char *if_null)
{
	json_t *v = json_object_get(obj, from);
	if (!json_is_integer(v)) {
		json_object_set_new(obj, to, json_string(if_null));
		return;
	}
	time_t t = (time_t)(json_integer_value(v) / 1000);
	struct tm tm;
	char buf[40];
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
	json_object_set_new(obj, to, json_string(buf));
}

void format_duration_ms(int64_t ms, char *buf, size_t len)
{
	if (ms < 0)
		ms = 0;
	if (ms < 1000)
		snprintf(buf, len, "%lld ms", (long long)ms);
	else if (ms < 60000)
		snprintf(buf, len, "%.1f s", (double)ms / 1000);
	else if (ms < 3600000)
		snprintf(buf, len, "%lld min %lld s", (long long)(ms / 60000), (long long)(ms / 1000 % 60));
	else
		snprintf(buf, len, "%lld h %lld min", (long long)(ms / 3600000), (long long)(ms / 60000 % 60));
}

/* obj.duration_ms and obj.duration, its working time: from started_at to
 * finished_at (elapsed_ms) less waited_ms, the time spent waiting for retries,
 * which obj.waited tells apart. For what is still going, the time so far
 * (duration_ms stays null). */
static void add_duration(json_t *obj, int64_t now_ms)
{
	json_t *start = json_object_get(obj, "started_at"), *end = json_object_get(obj, "finished_at");
	char buf[48] = "", waited[64] = "";
	if (json_is_integer(start) && json_is_integer(end)) {
		int64_t ms = json_integer_value(end) - json_integer_value(start);
		int64_t wait = json_integer_value(json_object_get(obj, "waited_ms"));
		if (ms < 0)
			ms = 0;
		if (wait < 0 || wait > ms)
			wait = wait < 0 ? 0 : ms;
		json_object_set_new(obj, "elapsed_ms", json_integer(ms));
		json_object_set_new(obj, "duration_ms", json_integer(ms - wait));
		format_duration_ms(ms - wait, buf, sizeof buf);
		if (wait) {
			format_duration_ms(wait, waited, sizeof waited - 24);
			strcat(waited, " waiting for retries");
		}
	} else {
		json_object_set_new(obj, "duration_ms", json_null());
		if (json_is_integer(start) && now_ms) {
			format_duration_ms(now_ms - json_integer_value(start), buf, sizeof buf - 8);
			snprintf(buf + strlen(buf), 8, " so far");
		}
	}
	json_object_set_new(obj, "duration", json_string(buf));
	json_object_set_new(obj, "waited", json_string(waited));
}

void decorate_run(json_t *run, int64_t now_ms)
{
	long long id = json_integer_value(json_object_get(run, "id"));
	json_t *wf = json_object_get(run, "workflow_id");
	set_url(run, "url", "/runs", id, "");
	if (json_is_integer(wf)) {
		long long wid = json_integer_value(wf);
		set_url(run, "workflow_url", "/workflows", wid, "");
		char runs_url[64];
		snprintf(runs_url, sizeof runs_url, "/runs?workflow=%lld", wid);
		json_object_set_new(run, "runs_of_workflow_url", json_string(runs_url));
		json_t *v = json_object_get(run, "version");
		if (json_is_integer(v)) {
			char suffix[48];
			snprintf(suffix, sizeof suffix, "/versions/%lld", (long long)json_integer_value(v));
			set_url(run, "version_url", "/workflows", wid, suffix);
		}
	} else {
		json_object_set_new(run, "workflow_url", json_null());
	}
	json_t *name = json_object_get(run, "workflow_name");
	json_object_set_new(run, "workflow_label",
			    json_is_string(name) ? json_copy(name) : json_string("(unnamed workflow)"));
	json_t *parent = json_object_get(run, "parent_run_id");
	if (json_is_integer(parent))
		set_url(run, "parent_url", "/runs", (long long)json_integer_value(parent), "");
	json_t *failed = json_object_get(run, "failed_block");
	if (json_is_string(failed)) {
		char url[128];
		snprintf(url, sizeof url, "#step-%s", json_string_value(failed));
		json_object_set_new(run, "failed_url", json_string(url));
	}
	const char *status = json_string_value(json_object_get(run, "status"));
	char cls[64];
	snprintf(cls, sizeof cls, "status status-%s", status ? status : "unknown");
	json_object_set_new(run, "status_class", json_string(cls));
	json_object_set_new(run, "active",
			   json_boolean(status && (!strcmp(status, "queued") || !strcmp(status, "running"))));
	add_time_ms(run, "created_at", "created", "");
	add_time_ms(run, "started_at", "started", "not yet");
	add_time_ms(run, "finished_at", "finished", "not yet");
	add_duration(run, now_ms);
}

void decorate_runs(json_t *runs, int64_t now_ms)
{
	size_t i;
	json_t *run;
	json_array_foreach(runs, i, run) decorate_run(run, now_ms);
}

void decorate_dead_letters(json_t *letters)
{
	size_t i;
	json_t *d;
	json_array_foreach(letters, i, d) {
		long long run = json_integer_value(json_object_get(d, "run_id"));
		set_url(d, "run_url", "/runs", run, "");
		set_url(d, "retry_url", "/dead-letters", (long long)json_integer_value(json_object_get(d, "id")), "/retry");
		json_t *wf = json_object_get(d, "workflow_id");
		if (json_is_integer(wf))
			set_url(d, "workflow_url", "/workflows", (long long)json_integer_value(wf), "");
		else
			json_object_set_new(d, "workflow_url", json_null());
		json_t *name = json_object_get(d, "workflow_name");
		json_object_set_new(d, "workflow_label",
				    json_is_string(name) ? json_copy(name) : json_string("(unnamed workflow)"));
		const char *block = json_string_value(json_object_get(d, "block"));
		if (block) {
			struct strbuf url = STRBUF_INIT;
			sb_printf(&url, "/runs/%lld#step-%s", run, block);
			json_object_set_new(d, "step_url", json_string(url.data));
			sb_free(&url);
		}
		add_time_ms(d, "created_at", "created", "");
	}
}

void decorate_step(json_t *step, int64_t run_id, int64_t now_ms)
{
	const char *block = json_string_value(json_object_get(step, "block"));
	char buf[160];
	snprintf(buf, sizeof buf, "step-%s", block ? block : "");
	json_object_set_new(step, "anchor", json_string(buf));
	if (!json_is_null(json_object_get(step, "outputs")) && json_object_get(step, "outputs") && block) {
		snprintf(buf, sizeof buf, "/runs/%lld/steps/%s/outputs", (long long)run_id, block);
		json_object_set_new(step, "outputs_url", json_string(buf));
	} else {
		json_object_set_new(step, "outputs_url", json_null());
	}
	const char *status = json_string_value(json_object_get(step, "status"));
	snprintf(buf, sizeof buf, "status status-%s", status ? status : "unknown");
	json_object_set_new(step, "status_class", json_string(buf));
	const char *outcome = json_string_value(json_object_get(step, "outcome"));
	snprintf(buf, sizeof buf, "outcome outcome-%s", outcome ? outcome : "none");
	json_object_set_new(step, "outcome_class", json_string(buf));
	add_time_ms(step, "started_at", "started", "not yet");
	add_time_ms(step, "finished_at", "finished", "not yet");
	add_duration(step, status && (!strcmp(status, "running") || !strcmp(status, "waiting")) ? now_ms : 0);
	/* A skipped step never started: it says why instead (its error holds the reason). */
	bool skipped = status && !strcmp(status, "skipped");
	json_object_set_new(step, "skipped", json_boolean(skipped));
	if (skipped) {
		json_object_set(step, "skipped_because", json_object_get(step, "error"));
		json_object_set_new(step, "error", json_null());
	}
}
