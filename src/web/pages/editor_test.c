/* Testing a workflow from the editor: the sample trigger input kept with the
 * workflow (its trigger's "sample", which the engine ignores, so that it
 * follows the workflow through versions, export and import), a test run
 * with it, and that run's states drawn on the canvas (?run=ID), which the
 * editor's script then follows live (templates/static/editor/test-run.js). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine/engine.h"
#include "engine/workflow.h"
#include "web/pages/decorate.h"
#include "web/pages/editor.h"
#include "web/pages/pages.h"

#define SAMPLE_MAX (4 * WORKFLOW_MAX_SAMPLE) /* bytes of the form's text (indented) */

static const json_t *sample_of(const json_t *def)
{
	return json_object_get(json_object_get(def, "trigger"), "sample");
}

/* Keeps sample in e->def's trigger; true when that changed it. */
static bool keep_sample(struct edit *e, const json_t *sample)
{
	if (json_equal(sample_of(e->def), sample))
		return false;
	json_object_set(json_object_get(e->def, "trigger"), "sample", (json_t *)sample);
	return true;
}

static void editor_location(char *buf, size_t len, const json_t *wf, int64_t run)
{
	editor_url(buf, len, wf);
	size_t n = strlen(buf);
	if (run)
		snprintf(buf + n, len - n, "?run=%lld#test-run", (long long)run);
	else
		snprintf(buf + n, len - n, "#test-run");
}

void editor_test_run(struct request *r)
{
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	const char *text = req_field(r, "input");
	json_t *input = NULL;
	if (text && *text) {
		json_error_t je;
		input = strlen(text) <= SAMPLE_MAX ? json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je) : NULL;
		if (!input) {
			char msg[400];
			if (strlen(text) > SAMPLE_MAX)
				snprintf(msg, sizeof msg, "The sample input is larger than %d KiB: keep a smaller one.",
					 SAMPLE_MAX >> 10);
			else
				snprintf(msg, sizeof msg, "The sample input is not JSON: %s (line %d, column %d).", je.text,
					 je.line, je.column);
			edit_refuse_one(r, &e, msg);
			edit_free(&e);
			return;
		}
	} else {
		input = json_incref((json_t *)sample_of(e.def)) ?: json_object();
	}
	json_t *wf = json_incref(e.wf);
	/* A changed sample is kept as a new version, which the run then runs. */
	if (keep_sample(&e, input)) {
		json_decref(wf);
		if (!(wf = edit_store(r, &e))) {
			json_decref(input);
			edit_free(&e);
			return;
		}
	}
	int64_t id = start_run(r, wf, "manual", input, NULL, NULL);
	json_decref(input);
	if (id) {
		char location[128], url[48], events[64];
		editor_location(location, sizeof location, wf, id);
		snprintf(url, sizeof url, "/runs/%lld", (long long)id);
		snprintf(events, sizeof events, "/runs/%lld/events", (long long)id);
		reply_done(r, 201, location,
			   json_pack("{s:{s:I, s:s, s:s}, s:O}", "run", "id", (json_int_t)id, "url", url, "events_url",
				     events, "workflow_version", json_object_get(wf, "version")));
	}
	json_decref(wf);
	edit_free(&e);
}

void editor_sample_from_delivery(struct request *r)
{
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	json_t *list = NULL;
	int rc = store_delivery_list(r->st, json_integer_value(json_object_get(e.wf, "id")), 1, &list);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
	} else if (!json_array_size(list)) {
		edit_refuse_one(r, &e, "This workflow's webhook has received no delivery yet: call its address once "
				       "(its Webhook page has a curl line), then take that delivery as the sample.");
	} else {
		keep_sample(&e, json_object_get(json_array_get(list, 0), "input"));
		char location[128];
		editor_location(location, sizeof location, e.wf, 0);
		edit_commit(r, &e, NULL, location);
	}
	json_decref(list);
	edit_free(&e);
}

/* The run's state on each node of the drawing: data-state and a line such as "ok · 12 ms". */
static void draw_states(json_t *drawing, const json_t *steps)
{
	size_t i, j;
	json_t *n, *s;
	json_array_foreach(json_object_get(drawing, "nodes"), i, n) {
		const char *id = json_string_value(json_object_get(n, "id"));
		json_array_foreach(steps, j, s) {
			if (!id || strcmp(id, json_string_value(json_object_get(s, "block")) ?: ""))
				continue;
			const char *status = json_string_value(json_object_get(s, "status"));
			char line[96];
			snprintf(line, sizeof line, "%s · %s", status, json_string_value(json_object_get(s, "duration")) ?: "");
			json_object_set_new(n, "state", json_string(status));
			json_object_set_new(n, "state_text", json_string(line));
			json_object_set_new(n, "state_x", json_integer(json_integer_value(json_object_get(n, "w")) - 10));
		}
	}
}

/* The editor's test run: run (?run=ID, a run of this workflow) with its steps. */
static json_t *test_run_model(struct request *r, const json_t *wf, json_t *drawing)
{
	const char *q = req_query(r, "run");
	int64_t id = q ? strtoll(q, NULL, 10) : 0;
	json_t *run = NULL;
	if (id <= 0 || store_run_get(r->st, id, &run) != STORE_OK)
		return json_null();
	if (json_integer_value(json_object_get(run, "workflow_id")) != json_integer_value(json_object_get(wf, "id"))) {
		json_decref(run);
		return json_null();
	}
	int64_t now = now_ms();
	decorate_run(run, now);
	char url[96];
	size_t i;
	json_t *s;
	char base[64];
	editor_url(base, sizeof base, wf);
	json_array_foreach(json_object_get(run, "steps"), i, s) {
		const char *block = json_string_value(json_object_get(s, "block"));
		decorate_step(s, id, now);
		snprintf(url, sizeof url, "/runs/%lld#step-%s", (long long)id, block);
		json_object_set_new(s, "step_url", json_string(url));
		snprintf(url, sizeof url, "%s/blocks/%s/test", base, block);
		json_object_set_new(s, "test_url", json_string(url));
	}
	draw_states(drawing, json_object_get(run, "steps"));
	if (json_is_true(json_object_get(run, "active"))) {
		snprintf(url, sizeof url, "/runs/%lld/events", (long long)id);
		json_object_set_new(run, "live_url", json_string(url));
	}
	snprintf(url, sizeof url, "/runs/%lld", (long long)id);
	json_object_set_new(run, "url", json_string(url));
	json_object_del(run, "definition");
	return run;
}

void editor_test_model(struct request *r, json_t *m)
{
	const json_t *wf = json_object_get(m, "workflow");
	const json_t *def = json_object_get(wf, "definition");
	const json_t *sample = sample_of(def);
	char *text = sample ? json_dumps(sample, JSON_INDENT(2) | JSON_ENCODE_ANY) : NULL;
	char url[96];
	editor_url(url, sizeof url, wf);
	strcat(url, "/test-run");
	const char *trigger = json_string_value(json_object_get(json_object_get(def, "trigger"), "type"));
	json_t *test = json_pack("{s:s, s:s, s:b, s:o}", "sample_text", text ? text : "{}", "url", url, "webhook",
				 trigger && !strcmp(trigger, "webhook"), "run",
				 test_run_model(r, wf, json_object_get(m, "drawing")));
	free(text);
	editor_url(url, sizeof url, wf);
	strcat(url, "/sample");
	json_object_set_new(test, "sample_url", json_string(url));
	json_object_set_new(m, "test", test);
}

/* The steps a run testing block starts with, from run `from`: every block
 * that neither is block nor comes after it keeps what it did there when it
 * ended ok or skipped (the others run again); alone, the blocks after block
 * are skipped, saying why. */
static json_t *kept_steps(const json_t *def, const json_t *from, const char *block, bool alone)
{
	json_t *down = workflow_downstream(def, block), *steps = json_array(), *s, *b;
	size_t i;
	json_array_foreach(json_object_get(from, "steps"), i, s) {
		const char *id = json_string_value(json_object_get(s, "block"));
		const char *status = json_string_value(json_object_get(s, "status")) ?: "";
		if (id && !json_object_get(down, id) && (!strcmp(status, "ok") || !strcmp(status, "skipped")))
			json_array_append(steps, s);
	}
	json_array_foreach(alone ? json_object_get(def, "blocks") : NULL, i, b) {
		const char *id = json_string_value(json_object_get(b, "id"));
		if (!id || !strcmp(id, block) || !json_object_get(down, id))
			continue;
		char why[WORKFLOW_MAX_ID + 64];
		snprintf(why, sizeof why, "not run: this run tests %s alone", block);
		json_array_append_new(steps, json_pack("{s:s, s:s, s:s, s:i}", "block", id, "status", "skipped", "error",
						       why, "attempts", 0));
	}
	json_decref(down);
	return steps;
}

void editor_block_test(struct request *r)
{
	json_t *wf = load_workflow(r, 0);
	if (!wf)
		return;
	const json_t *def = json_object_get(wf, "definition");
	const char *block = r->params[1], *mode = req_field(r, "mode") ?: "";
	const char *from_text = req_field(r, "from");
	int64_t from_id = from_text ? strtoll(from_text, NULL, 10) : 0;
	json_t *from = NULL, *b;
	size_t i;
	bool known = false;
	json_array_foreach(json_object_get(def, "blocks"), i, b)
		known = known || !strcmp(json_string_value(json_object_get(b, "id")) ?: "", block);
	if (!known) {
		reply_error(r, 404, "This workflow has no such block (renamed or deleted meanwhile?).", NULL);
	} else if (strcmp(mode, "alone") && strcmp(mode, "from")) {
		reply_error(r, 400, "Say how to test the block: mode=alone (this block only, with the inputs it had "
				    "in the run named by \"from\") or mode=from (this block and the ones after it).",
			    NULL);
	} else if (from_id <= 0 || store_run_get(r->st, from_id, &from) != STORE_OK ||
		   json_integer_value(json_object_get(from, "workflow_id")) != json_integer_value(json_object_get(wf, "id"))) {
		reply_error(r, 422, "Name a run of this workflow to start from (\"from\"): make a test run first.", NULL);
	} else {
		json_t *steps = kept_steps(def, from, block, !strcmp(mode, "alone"));
		int64_t id = start_run_with_steps(r, wf, json_object_get(from, "input"), steps);
		json_decref(steps);
		if (id) {
			char location[160], url[48];
			editor_location(location, sizeof location, wf, id);
			snprintf(url, sizeof url, "/runs/%lld", (long long)id);
			reply_done(r, 201, location, json_pack("{s:{s:I, s:s}}", "run", "id", (json_int_t)id, "url", url));
		}
	}
	json_decref(from);
	json_decref(wf);
}
