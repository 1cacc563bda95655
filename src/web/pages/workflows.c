/* Workflows: the list, create, show, edit (a new version per save), delete. */
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/workflow.h"
#include "web/pages/decorate.h"
#include "web/pages/pages.h"
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

void workflows_list(struct request *r)
{
	const char *q = req_query(r, "q"), *tag = req_query(r, "tag"), *page = req_query(r, "page");
	long p = 1;
	if (page && *page) {
		p = strlen(page) <= 7 && strspn(page, "0123456789") == strlen(page) ? strtol(page, NULL, 10) : 0;
		if (p < 1 || p > 1000000) {
			char msg[160];
			snprintf(msg, sizeof msg, "The page number must be a whole number from 1 to 1000000, not '%.40s'.", page);
			reply_error(r, 400, msg, NULL);
			return;
		}
	}
	struct wf_query query = { q && *q ? q : NULL, tag && *tag ? tag : NULL, (int)p, PER_PAGE };
	json_t *items = NULL, *tags = NULL;
	int64_t total = 0;
	int rc = store_workflow_list(r->st, &query, &items, &total);
	if (rc == STORE_OK)
		rc = store_tag_list(r->st, &tags);
	if (rc != STORE_OK) {
		json_decref(items);
		reply_store_error(r, rc, NULL);
		return;
	}
	int64_t pages = total ? (total + PER_PAGE - 1) / PER_PAGE : 1;
	json_t *m = page_model(r, "Workflows");
	decorate_workflows(items);
	json_object_set_new(m, "workflows", items);
	json_t *options = json_array(), *t;
	size_t i;
	json_array_foreach(tags, i, t) json_array_append_new(options, json_pack("{s:O,s:b}", "name", t, "selected",
								      tag && !strcmp(tag, json_string_value(t))));
	json_object_set_new(m, "tags", tags);
	json_object_set_new(m, "tag_options", options);
	json_object_set_new(m, "q", json_string(q ? q : ""));
	json_object_set_new(m, "tag", json_string(tag ? tag : ""));
	json_object_set_new(m, "page", json_integer(p));
	json_object_set_new(m, "pages", json_integer(pages));
	json_object_set_new(m, "total", json_integer(total));
	json_object_set_new(m, "empty", json_boolean(total == 0));
	/* Links to the neighbouring pages keep the search. */
	for (int d = -1; d <= 1; d += 2) {
		if (p + d < 1 || p + d > pages)
			continue;
		struct strbuf url = STRBUF_INIT;
		sb_printf(&url, "/workflows?page=%ld", p + d);
		if (q && *q) {
			sb_adds(&url, "&q=");
			sb_add_urlenc(&url, q);
		}
		if (tag && *tag) {
			sb_adds(&url, "&tag=");
			sb_add_urlenc(&url, tag);
		}
		json_object_set_new(m, d < 0 ? "prev_url" : "next_url", json_string(url.data));
		sb_free(&url);
	}
	reply_view(r, 200, "workflows/list", m);
}

static json_t *form_model(struct request *r, const char *title, json_t *form, const char *action)
{
	json_t *m = page_model(r, title);
	json_object_set_new(m, "form", form);
	json_object_set_new(m, "action", json_string(action));
	return m;
}

void workflow_new(struct request *r)
{
	json_t *form = json_pack("{s:s,s:s,s:s,s:s}", "name", "", "description", "", "tags", "", "definition",
				 "{\n  \"blocks\": [],\n  \"edges\": []\n}");
	json_t *m = form_model(r, "New workflow", form, "/workflows");
	json_object_set_new(m, "creating", json_true());
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
	json_decref(echo);
	reply_workflow_created(r, wf);
}

void reply_workflow_created(struct request *r, json_t *wf)
{
	int64_t id;
	int rc = store_workflow_create(r->st, r->user.id, wf, &id);
	json_decref(wf);
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

void workflow_show(struct request *r)
{
	json_t *wf = load_workflow(r, 0);
	if (!wf)
		return;
	json_t *m = page_model(r, json_string_value(json_object_get(wf, "name")));
	char *def = json_dumps(json_object_get(wf, "definition"), JSON_INDENT(2) | JSON_SORT_KEYS);
	json_object_set_new(m, "definition_text", json_string(def ? def : "{}"));
	free(def);
	json_t *registry = engine_registry(r->app->engine);
	json_object_set_new(m, "problems", workflow_validate(json_object_get(wf, "definition"), registry));
	json_decref(registry);
	json_object_set_new(m, "workflow", wf);
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
	json_decref(echo);
	json_decref(old);
	int64_t id = req_id_param(r, 0);
	int version;
	int rc = store_workflow_save(r->st, r->user.id, id, wf, &version);
	json_decref(wf);
	if (rc == STORE_OK)
		rc = store_workflow_get(r->st, id, 0, &wf);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "There is no such workflow.");
		return;
	}
	reply_done(r, 200, action, json_pack("{s:o}", "workflow", wf));
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
