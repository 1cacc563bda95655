/* Workflows: the list, create, show, edit (a new version per save), delete. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine/engine.h"
#include "engine/poll.h"
#include "engine/starters.h"
#include "thread_slot.h"
#include "web/pages/decorate.h"
#include "web/pages/pages.h"
#include "web/pages/schedule_view.h"
#include "web/pages/workflow_input.h"

#define PER_PAGE 20

json_t *load_workflow(struct request *r, int version)
{
	int64_t id = req_id_param(r, 0);
	json_t *wf = NULL;
	int rc = id ? store_workflow_get(r->st, id, version, &wf) : STORE_NOTFOUND;
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "There is no such workflow (or version).");
		return NULL;
	}
	decorate_workflow(wf);
	return wf;
}

/* The data of the list page (rows with their links, the tag list and its
 * options, the total) for the last query on this thread, kept while the
 * store's stamp says nothing was committed since: the page is read far more
 * often than anything is written. Read-only once made: models only add
 * references to it. */
struct list_cache {
	bool valid;
	struct store_stamp stamp;
	char *q, *tag;
	long page;
	json_t *items, *tags, *options;
	int64_t total;
};

static void list_cache_clear(struct list_cache *c)
{
	free(c->q);
	free(c->tag);
	json_decref(c->items);
	json_decref(c->tags);
	json_decref(c->options);
	*c = (struct list_cache){ 0 };
}

static void list_cache_free(void *p)
{
	list_cache_clear(p);
	free(p);
}

static struct thread_slot list_slot = THREAD_SLOT(list_cache_free);

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Reads the page's data into c (emptied first); a store_rc. */
static int list_fill(struct request *r, struct list_cache *c, const struct wf_query *query)
{
	list_cache_clear(c);
	int rc = store_workflow_list(r->st, query, &c->items, &c->total);
	if (rc == STORE_OK)
		rc = store_tag_list(r->st, &c->tags);
	if (rc != STORE_OK) {
		list_cache_clear(c);
		return rc;
	}
	decorate_workflows(c->items);
	c->options = json_array();
	size_t i;
	json_t *t;
	json_array_foreach(c->tags, i, t) {
		json_t *o = json_object();
		json_object_setn_new_nocheck(o, "name", 4, json_incref(t));
		json_object_setn_new_nocheck(o, "selected", 8,
					     json_boolean(query->tag && !strcmp(query->tag, json_string_value(t))));
		json_array_append_new(c->options, o);
	}
	c->q = query->q ? xstrdup(query->q) : NULL;
	c->tag = query->tag ? xstrdup(query->tag) : NULL;
	c->page = query->page;
	return STORE_OK;
}

/* Each row's number of problems, as the workflow's page lists them: outside
 * the list's cache, since the plugins can change under a stored version. A
 * version known valid costs no store read; a block check not judged yet
 * (since axond started) is not run for a list. */
static void set_problem_counts(struct request *r, json_t *items)
{
	size_t i;
	json_t *row;
	json_array_foreach(items, i, row) {
		int64_t id = json_integer_value(json_object_get(row, "id"));
		int version = (int)json_integer_value(json_object_get(row, "version"));
		size_t n = 0;
		json_t *wf = NULL;
		if (!engine_known_valid(r->app->engine, id, version) && store_workflow_get(r->st, id, version, &wf) == STORE_OK) {
			json_t *problems = engine_problems_remembered(r->app->engine, id, version, json_object_get(wf, "definition"));
			n = json_array_size(problems);
			json_decref(problems);
			json_decref(wf);
		}
		json_object_setn_new_nocheck(row, "problems", 8, json_integer((json_int_t)n));
		json_object_setn_new_nocheck(row, "one_problem", 11, json_boolean(n == 1));
	}
}

void workflows_list(struct request *r)
{
	const char *q = req_query(r, "q"), *tag = req_query(r, "tag");
	long p = req_page(r);
	if (!p)
		return;
	struct wf_query query = { q && *q ? q : NULL, tag && *tag ? tag : NULL, (int)p, PER_PAGE };
	/* Taken before reading: a commit meanwhile makes the next request read again. */
	struct store_stamp stamp;
	int rc = store_stamp(r->st, &stamp);
	struct list_cache *c = thread_slot_get(&list_slot, sizeof *c);
	if (rc == STORE_OK && !(c->valid && store_stamp_equal(&c->stamp, &stamp) && same_text(c->q, query.q) &&
				same_text(c->tag, query.tag) && c->page == p)) {
		rc = list_fill(r, c, &query);
		c->stamp = stamp;
		c->valid = rc == STORE_OK;
	}
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	set_problem_counts(r, c->items);
	json_t *m = page_model(r, "Workflows");
	json_object_set(m, "workflows", c->items);
	json_object_set(m, "tags", c->tags);
	json_object_set(m, "tag_options", c->options);
	json_object_set_new(m, "q", json_string(q ? q : ""));
	json_object_set_new(m, "tag", json_string(tag ? tag : ""));
	const char *const keep[] = { "q", q, "tag", tag, NULL };
	set_pager(m, "/workflows", p, c->total, PER_PAGE, keep);
	reply_view(r, 200, "workflows/list", m);
}

static json_t *form_model(struct request *r, const char *title, json_t *form, const char *action)
{
	json_t *m = page_model(r, title);
	json_object_set_new(m, "form", form);
	json_object_set_new(m, "action", json_string(action));
	return m;
}

/* The starting points offered above the new-workflow form, current marked. */
static json_t *starters_model(const struct workflow_starter *current)
{
	json_t *list = json_array();
	for (size_t i = 0; i < workflow_starters_count; i++) {
		const struct workflow_starter *s = &workflow_starters[i];
		json_t *url = json_sprintf("/workflows/new?start=%s", s->key);
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:o,s:b}", "key", s->key, "title", s->title,
						      "description", s->description, "url", url,
						      "current", s == current));
	}
	return list;
}

void workflow_new(struct request *r)
{
	const char *key = req_query(r, "start");
	const struct workflow_starter *start = key ? workflow_starter_find(key) : &workflow_starters[0];
	if (!start) {
		struct strbuf keys = STRBUF_INIT;
		for (size_t i = 0; i < workflow_starters_count; i++)
			sb_printf(&keys, "%s%s", i ? ", " : "", workflow_starters[i].key);
		char msg[300];
		snprintf(msg, sizeof msg, "There is no starting point named '%.60s': the starting points are %s.", key,
			 sb_str(&keys));
		sb_free(&keys);
		reply_error(r, 404, msg, NULL);
		return;
	}
	json_t *form = json_pack("{s:s,s:s,s:s,s:s}", "name", "", "description", "", "tags", "", "definition",
				 start->definition);
	json_t *m = form_model(r, "New workflow", form, "/workflows");
	json_object_set_new(m, "creating", json_true());
	json_object_set_new(m, "starters", starters_model(start));
	reply_view(r, 200, "workflows/form", m);
}

void workflow_create(struct request *r)
{
	json_t *errors, *echo;
	json_t *wf = workflow_from_form(&r->body, &errors, &echo);
	if (!wf) {
		json_t *m = form_model(r, "New workflow", echo, "/workflows");
		json_object_set_new(m, "creating", json_true());
		reply_invalid(r, "workflows/form", m, errors);
		return;
	}
	int64_t id;
	int rc = store_workflow_create(r->st, r->user.id, wf, &id);
	json_decref(wf);
	if (rc == STORE_CONFLICT) { /* the name is taken: the form again, as typed */
		json_t *m = form_model(r, "New workflow", echo, "/workflows");
		json_object_set_new(m, "creating", json_true());
		reply_invalid_status(r, 409, "workflows/form", m, json_pack("{s:s}", "name", store_errmsg(r->st)));
		return;
	}
	json_decref(echo);
	reply_workflow_created(r, rc, id);
}

void reply_workflow_created(struct request *r, int rc, int64_t id)
{
	json_t *wf = NULL;
	if (rc == STORE_OK)
		rc = store_workflow_get(r->st, id, 0, &wf);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/workflows/%lld", (long long)id);
	reply_done(r, 201, loc, json_pack("{s:o}", "workflow", wf));
}

/* What the Run form starts with, and what it says of it: a manual run of a
 * webhook workflow stands in for a delivery, so its input has a delivery's shape. */
static void set_run_input(json_t *m, const json_t *wf)
{
	const char *trigger = json_string_value(json_object_get(json_object_get(json_object_get(wf, "definition"),
										   "trigger"), "type"));
	const char *input = "{}", *hint = "The input is the run's {{ trigger }}.";
	if (trigger && !strcmp(trigger, "webhook")) {
		input = "{\n  \"method\": \"POST\",\n  \"body\": {},\n  \"query\": {},\n  \"headers\": {}\n}";
		hint = "The input is what the webhook trigger receives, as {{ trigger }}: the request's body "
		       "(parsed when it is JSON), query and headers. Fill them in as a caller would send them.";
	} else if (trigger && !strcmp(trigger, "schedule")) {
		input = "{\n  \"scheduled_at\": \"\"\n}";
		hint = "The input is what the schedule trigger gives, as {{ trigger }}: the time it was due (scheduled_at).";
	}
	json_object_set_new(m, "run_input", json_string(input));
	json_object_set_new(m, "run_hint", json_string(hint));
}

#define TOKEN_DAYS 30

/* What the workflow's language model calls used over the last TOKEN_DAYS
 * days: {days: [{day, tokens_in, tokens_out}], tokens_in, tokens_out}, or
 * null when they used none (or the store could not say). */
static json_t *token_totals(struct request *r, int64_t id)
{
	json_t *days = NULL, *d;
	if (store_workflow_token_days(r->st, id, now_ms() - TOKEN_DAYS * 86400000LL, &days) != STORE_OK || !json_array_size(days)) {
		json_decref(days);
		return json_null();
	}
	json_int_t in = 0, out = 0;
	size_t i;
	json_array_foreach(days, i, d) {
		in += json_integer_value(json_object_get(d, "tokens_in"));
		out += json_integer_value(json_object_get(d, "tokens_out"));
	}
	return json_pack("{s:o, s:I, s:I, s:i}", "days", days, "tokens_in", in, "tokens_out", out, "period_days", TOKEN_DAYS);
}

/* A poll trigger as the workflow's page shows it: its block, its period, its
 * last round and why that round failed. */
static json_t *poll_view(struct request *r, int64_t id, const json_t *trigger)
{
	json_t *state = NULL;
	if (store_schedule_state(r->st, id, &state) != STORE_OK)
		state = json_object();
	json_int_t every = json_integer_value(json_object_get(trigger, "every_s"));
	json_object_set(state, "block", json_object_get(trigger, "block"));
	json_object_set_new(state, "every_s", json_integer(every > 0 ? every : POLL_EVERY_DEFAULT_S));
	add_time(state, "last_fire", "last_polled");
	return state;
}

json_t *workflow_page_model(struct request *r, json_t *wf)
{
	json_t *m = page_model(r, json_string_value(json_object_get(wf, "name")));
	char *def = json_dumps(json_object_get(wf, "definition"), JSON_INDENT(2) | JSON_SORT_KEYS);
	json_object_set_new(m, "definition_text", json_string(def ? def : "{}"));
	free(def);
	json_object_set_new(m, "problems", engine_problems(r->app->engine, r->st, json_integer_value(json_object_get(wf, "id")),
							   (int)json_integer_value(json_object_get(wf, "version")),
							   json_object_get(wf, "definition")));
	set_run_input(m, wf);
	const json_t *trigger = json_object_get(json_object_get(wf, "definition"), "trigger");
	const char *type = json_string_value(json_object_get(trigger, "type"));
	json_object_set_new(m, "schedule", type && !strcmp(type, "schedule") ? schedule_view(trigger, r->now) : json_null());
	json_object_set_new(m, "poll", type && !strcmp(type, "poll") ? poll_view(r, json_integer_value(json_object_get(wf, "id")),
									     trigger) : json_null());
	json_object_set_new(m, "tokens", token_totals(r, json_integer_value(json_object_get(wf, "id"))));
	json_object_set_new(m, "workflow", wf);
	return m;
}

void workflow_show(struct request *r)
{
	json_t *wf = load_workflow(r, 0);
	if (!wf)
		return;
	json_t *figures = workflow_figures(r, req_id_param(r, 0));
	if (!figures) {
		json_decref(wf);
		return;
	}
	json_t *m = workflow_page_model(r, wf);
	json_object_set_new(m, "figures", figures);
	reply_view(r, 200, "workflows/show", m);
}

static json_t *echo_of(const json_t *wf)
{
	struct strbuf tags = STRBUF_INIT;
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(wf, "tags"), i, t) {
		if (i)
			sb_adds(&tags, ", ");
		sb_adds(&tags, json_string_value(t));
	}
	char *def = json_dumps(json_object_get(wf, "definition"), JSON_INDENT(2));
	json_t *echo = json_pack("{s:O,s:O,s:s,s:s}", "name", json_object_get(wf, "name"), "description",
				 json_object_get(wf, "description"), "tags", sb_str(&tags), "definition", def ? def : "{}");
	free(def);
	sb_free(&tags);
	return echo;
}

void workflow_edit(struct request *r)
{
	json_t *wf = load_workflow(r, 0);
	if (!wf)
		return;
	char action[64];
	snprintf(action, sizeof action, "/workflows/%s", r->params[0]);
	json_t *m = form_model(r, "Edit workflow", echo_of(wf), action);
	json_object_set_new(m, "workflow", wf);
	reply_view(r, 200, "workflows/form", m);
}

void workflow_save(struct request *r)
{
	json_t *old = load_workflow(r, 0);
	if (!old)
		return;
	char action[64];
	snprintf(action, sizeof action, "/workflows/%s", r->params[0]);
	json_t *errors, *echo;
	json_t *wf = workflow_from_form(&r->body, &errors, &echo);
	if (!wf) {
		json_t *m = form_model(r, "Edit workflow", echo, action);
		json_object_set_new(m, "workflow", old);
		reply_invalid(r, "workflows/form", m, errors);
		return;
	}
	int64_t id = req_id_param(r, 0);
	int version;
	int rc = store_workflow_save(r->st, r->user.id, id, wf, &version);
	json_decref(wf);
	if (rc == STORE_CONFLICT) { /* the name is another workflow's: the form again, as typed */
		json_t *m = form_model(r, "Edit workflow", echo, action);
		json_object_set_new(m, "workflow", old);
		reply_invalid_status(r, 409, "workflows/form", m, json_pack("{s:s}", "name", store_errmsg(r->st)));
		return;
	}
	json_decref(echo);
	json_decref(old);
	if (rc == STORE_OK)
		rc = store_workflow_get(r->st, id, 0, &wf);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "There is no such workflow.");
		return;
	}
	reply_done(r, 200, action, json_pack("{s:o}", "workflow", wf));
}

/* POST /workflows/:id/active: active=1 switches the workflow on (its webhook
 * and schedule fire), active=0 off; back to next (a local path) or the list. */
void workflow_set_active(struct request *r)
{
	const char *v = req_field(r, "active");
	bool on = v && (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "on"));
	if (!v || (!on && strcmp(v, "0") && strcmp(v, "false") && strcmp(v, "off"))) {
		reply_error(r, 400, "Say active=1 to switch the workflow on, or active=0 to switch it off.",
			    json_pack("{s:s}", "active", "1 or 0"));
		return;
	}
	int64_t id = req_id_param(r, 0);
	int rc = id ? store_workflow_set_active(r->st, r->user.id, id, on) : STORE_NOTFOUND;
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "There is no such workflow.");
		return;
	}
	reply_done(r, 200, safe_next(req_field(r, "next")), json_pack("{s:{s:I, s:b}}", "workflow", "id", (json_int_t)id, "active", on));
}

void workflow_delete_confirm(struct request *r)
{
	json_t *wf = load_workflow(r, 0);
	if (!wf)
		return;
	json_t *m = page_model(r, "Delete workflow");
	json_object_set_new(m, "workflow", wf);
	reply_view(r, 200, "workflows/delete", m);
}

void workflow_delete(struct request *r)
{
	int64_t id = req_id_param(r, 0);
	int rc = id ? store_workflow_delete(r->st, r->user.id, id) : STORE_NOTFOUND;
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "There is no such workflow.");
		return;
	}
	reply_done(r, 200, "/workflows", json_pack("{s:I}", "deleted", (json_int_t)id));
}
