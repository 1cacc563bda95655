/* The visual editor (/workflows/ID/edit): the canvas, the outline and the
 * forms that change the graph. Every edit names the version its form was
 * made from and is made on that version: refused (409) when someone saved
 * since, refused (422) with the engine's own messages when it would add a
 * problem the workflow did not have, else saved as a new version. The
 * script's edits are made on the page's unsaved draft instead (editor.h),
 * and its Save (editor_save) makes the version. */
#include "web/pages/editor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/placeholder.h"
#include "engine/workflow.h"
#include "web/graph/graph.h"
#include "web/pages/pages.h"

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static int64_t workflow_id(const json_t *wf)
{
	return json_integer_value(json_object_get(wf, "id"));
}

static int workflow_version(const json_t *wf)
{
	return (int)json_integer_value(json_object_get(wf, "version"));
}

void editor_url(char *buf, size_t len, const json_t *wf)
{
	snprintf(buf, len, "/workflows/%lld/edit", (long long)workflow_id(wf));
}

/* The page: the workflow (taken), its canvas, outline, block picker and
 * problems; draft: its definition is the script's, not a stored version's. */
static json_t *editor_model(struct request *r, json_t *wf, bool draft)
{
	char url[64];
	editor_url(url, sizeof url, wf);
	const json_t *def = json_object_get(wf, "definition");
	json_t *registry = engine_registry(r->app->engine);
	json_t *problems = draft ? engine_problems(r->app->engine, r->st, 0, 0, def)
				 : engine_problems(r->app->engine, r->st, workflow_id(wf), workflow_version(wf), def);
	struct strbuf title = STRBUF_INIT;
	sb_printf(&title, "Edit %s", str(wf, "name") ?: "workflow");
	json_t *m = page_model(r, sb_str(&title));
	sb_free(&title);
	json_object_set_new(m, "drawing", graph_drawing(def, registry, problems, url));
	json_object_set_new(m, "outline", graph_outline(def, registry, problems, url));
	json_object_set_new(m, "catalog", graph_catalog(registry));
	json_object_set_new(m, "problems", problems);
	json_object_set_new(m, "edit_url", json_string(url));
	/* The definition the page shows, for the script (its draft starts from it). */
	char *text = json_dumps(def, JSON_COMPACT);
	json_object_set_new(m, "definition_text", json_string(text ? text : "{}"));
	free(text);
	static const char *const actions[][2] = {
		{ "blocks_url", "/blocks" }, { "edges_url", "/edges" }, { "disconnect_url", "/edges/delete" },
		{ "tidy_url", "/tidy" },     { "trigger_url", "/trigger" }, { "paste_url", "/paste" },
	};
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
		char action[96];
		snprintf(action, sizeof action, "%s%s", url, actions[i][1]);
		json_object_set_new(m, actions[i][0], json_string(action));
	}
	json_object_set_new(m, "workflow", wf);
	json_decref(registry);
	return m;
}

void editor_get(struct request *r)
{
	json_t *wf = load_workflow(r, 0);
	if (!wf)
		return;
	json_t *m = editor_model(r, wf, false);
	editor_test_model(r, m);
	/* ?after=block.port: the add form starts there (the outline's "add a block here" links). */
	const char *after = req_query(r, "after");
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(json_object_get(m, "outline"), "after"), i, o)
		json_object_set_new(o, "selected", json_boolean(after && !strcmp(after, str(o, "value") ?: "")));
	/* The block types are folded under the add form; a link that came to add one opens them. */
	json_object_set_new(m, "add_open", json_boolean(after != NULL));
	reply_view(r, 200, "workflows/editor", m);
}

void edit_free(struct edit *e)
{
	json_decref(e->wf);
	json_decref(e->def);
	json_decref(e->before);
	json_decref(e->registry);
	memset(e, 0, sizeof *e);
}

/* 409: the editor of the version there is now, saying why the change was not made. */
static void reply_conflict(struct request *r, struct edit *e, const char *message)
{
	json_decref(e->wf);
	e->wf = r->json ? NULL : load_workflow(r, 0);
	if (r->json) {
		reply_error(r, 409, message, NULL);
	} else if (e->wf) {
		json_t *m = editor_model(r, e->wf, false);
		e->wf = NULL;
		json_object_set_new(m, "conflict", json_string(message));
		reply_view(r, 409, "workflows/editor", m);
	}
}

/* The form's "draft" (the script's unsaved definition) as e->def; false after answering 400. */
static bool begin_draft(struct request *r, struct edit *e, const char *text)
{
	json_error_t err;
	e->def = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if (!json_is_object(e->def)) {
		char msg[400], where[200] = "";
		if (!e->def)
			snprintf(where, sizeof where, " (line %d, column %d: %s)", err.line, err.column, err.text);
		snprintf(msg, sizeof msg, "The editor's unsaved workflow (the field \"draft\") is not a JSON "
					  "object%s: reload the editor.", where);
		reply_error(r, 400, msg, NULL);
		return false;
	}
	return true;
}

bool edit_begin(struct request *r, struct edit *e)
{
	memset(e, 0, sizeof *e);
	if (!(e->wf = load_workflow(r, 0)))
		return false;
	const char *v = req_field(r, "version"), *draft = req_field(r, "draft");
	char *end = NULL;
	long base = v ? strtol(v, &end, 10) : 0;
	if (!v || !*v || *end || base < 1 || base > 1000000000L) {
		reply_error(r, 400, "The form does not say which version of the workflow it was made from (the field "
				    "\"version\"): reload the editor and make the change again.", NULL);
		edit_free(e);
		return false;
	}
	e->base = (int)base;
	/* A draft is checked against what is stored when it is saved (editor_save), not at each edit. */
	if (!draft && e->base != workflow_version(e->wf)) {
		char msg[300];
		snprintf(msg, sizeof msg, "This workflow was saved again since version %d, the one your form was made "
					  "from (it is at version %d now): nothing was changed. Here it is as it is now; "
					  "make your change again.", e->base, workflow_version(e->wf));
		reply_conflict(r, e, msg);
		edit_free(e);
		return false;
	}
	if (draft && !begin_draft(r, e, draft)) {
		edit_free(e);
		return false;
	}
	e->registry = engine_registry(r->app->engine);
	if (!draft) {
		const json_t *def = json_object_get(e->wf, "definition");
		e->def = json_is_object(def) ? json_deep_copy(def) : json_object();
	}
	/* A definition started by hand may lack these; the editor makes them. */
	if (!json_object_get(e->def, "format"))
		json_object_set_new(e->def, "format", json_integer(WORKFLOW_FORMAT));
	if (!json_object_get(e->def, "trigger"))
		json_object_set_new(e->def, "trigger", json_pack("{s:s}", "type", "manual"));
	if (!json_is_array(json_object_get(e->def, "blocks")))
		json_object_set_new(e->def, "blocks", json_array());
	if (!json_is_array(json_object_get(e->def, "edges")))
		json_object_set_new(e->def, "edges", json_array());
	if (draft)
		e->before = json_deep_copy(e->def);
	return true;
}

/* The workflow with the draft e->def (a new reference), at the version the draft was made from. */
static json_t *draft_workflow(const struct edit *e, const json_t *def)
{
	json_t *wf = json_copy(e->wf);
	json_object_set(wf, "definition", (json_t *)def);
	json_object_set_new(wf, "version", json_integer(e->base));
	return wf;
}

/* A draft edit made: the editor drawn from the changed draft, as HTML even
 * to the script (which asks for JSON to read a refusal's reason): it puts
 * the page's editor in place of its own. */
static void reply_draft(struct request *r, struct edit *e)
{
	json_t *m = editor_model(r, draft_workflow(e, e->def), true);
	editor_test_model(r, m);
	r->json = false;
	reply_view(r, 200, "workflows/editor", m);
}

void edit_refuse(struct request *r, struct edit *e, int status, json_t *messages)
{
	struct strbuf msg = STRBUF_INIT;
	sb_adds(&msg, "This change was not made: ");
	size_t i;
	json_t *m;
	json_array_foreach(messages, i, m)
		sb_printf(&msg, "%s%s", i ? "; " : "", json_string_value(m));
	if (r->json) {
		reply_error(r, status, sb_str(&msg), NULL);
		json_decref(messages);
	} else {
		json_t *model = e->before ? editor_model(r, draft_workflow(e, e->before), true) : editor_model(r, e->wf, false);
		if (!e->before)
			e->wf = NULL;
		json_object_set_new(model, "refused", messages);
		reply_view(r, status, "workflows/editor", model);
	}
	sb_free(&msg);
}

void edit_refuse_one(struct request *r, struct edit *e, const char *message)
{
	edit_refuse(r, e, 422, json_pack("[s]", message));
}

/* A problem's block and message with positions ("edges[3]") left out: an
 * edit that moves an edge does not make the problems after it new. */
static char *problem_key(const json_t *p)
{
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s\n", str(p, "block") ?: "");
	for (const char *m = str(p, "message") ?: ""; *m; m++) {
		sb_addc(&sb, *m);
		if (*m == '[')
			while (m[1] >= '0' && m[1] <= '9')
				m++;
	}
	return sb_detach(&sb);
}

static bool has_problem(const json_t *problems, const json_t *p)
{
	char *key = problem_key(p);
	bool found = false;
	size_t i;
	json_t *q;
	json_array_foreach(problems, i, q) {
		char *other = problem_key(q);
		found |= !strcmp(key, other);
		free(other);
	}
	free(key);
	return found;
}

json_t *edit_new_problems(struct request *r, struct edit *e, const char *exempt)
{
	json_t *before = e->before ? engine_problems(r->app->engine, r->st, 0, 0, e->before)
				   : engine_problems(r->app->engine, r->st, workflow_id(e->wf), workflow_version(e->wf),
						     json_object_get(e->wf, "definition"));
	json_t *after = engine_problems(r->app->engine, r->st, 0, 0, e->def), *fresh = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(after, i, p) {
		const char *block = str(p, "block");
		if (has_problem(before, p) || (exempt && block && !strcmp(block, exempt)))
			continue;
		struct strbuf line = STRBUF_INIT;
		if (block)
			sb_printf(&line, "%s: ", block);
		sb_adds(&line, str(p, "message"));
		json_array_append_new(fresh, json_string(sb_str(&line)));
		sb_free(&line);
	}
	json_decref(after);
	json_decref(before);
	return fresh;
}

json_t *edit_store(struct request *r, struct edit *e)
{
	json_t *wf = json_pack("{s:O,s:O,s:O,s:O}", "name", json_object_get(e->wf, "name"), "description",
			       json_object_get(e->wf, "description"), "tags", json_object_get(e->wf, "tags"),
			       "definition", e->def);
	int64_t id = workflow_id(e->wf);
	int version;
	int rc = store_workflow_save_over(r->st, r->user.id, id, wf, e->base, &version);
	json_decref(wf);
	if (rc == STORE_CONFLICT) {
		reply_conflict(r, e, store_errmsg(r->st));
		return NULL;
	}
	if (rc == STORE_OK)
		rc = store_workflow_get(r->st, id, 0, &wf);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "There is no such workflow (deleted meanwhile?).");
		return NULL;
	}
	return wf;
}

void edit_save(struct request *r, struct edit *e, const char *location)
{
	if (e->before) {
		reply_draft(r, e);
		return;
	}
	json_t *wf = edit_store(r, e);
	if (wf)
		reply_done(r, 200, location, json_pack("{s:o}", "workflow", wf));
}

void edit_commit(struct request *r, struct edit *e, const char *exempt, const char *location)
{
	json_t *fresh = edit_new_problems(r, e, exempt);
	if (json_array_size(fresh)) {
		edit_refuse(r, e, 422, fresh);
		return;
	}
	json_decref(fresh);
	edit_save(r, e, location);
}

json_t *edit_block(struct edit *e, const char *id, size_t *index)
{
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(e->def, "blocks"), i, b)
		if (id && !strcmp(str(b, "id") ?: "", id)) {
			if (index)
				*index = i;
			return b;
		}
	return NULL;
}

json_t *edit_route_block(struct request *r, struct edit *e, size_t *index)
{
	char *id = NULL;
	size_t len;
	json_t *b = url_decode(r->params[1], strlen(r->params[1]), &id, &len) == 0 ? edit_block(e, id, index) : NULL;
	free(id);
	if (!b) {
		reply_error(r, 404, "This workflow has no block of that id (renamed or deleted meanwhile?).", NULL);
		edit_free(e);
	}
	return b;
}

static void location_of(char *buf, size_t len, struct edit *e, const char *anchor)
{
	char url[64];
	editor_url(url, sizeof url, e->wf);
	snprintf(buf, len, "%s%s%s", url, anchor ? "#" : "", anchor ? anchor : "");
}

/* The name of a port of type: kind "inputs" or "outputs", the first one when
 * name is NULL; NULL when there is none of that name. */
static const char *port_of(const json_t *type, const char *kind, const char *name)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(type, kind), i, p)
		if (!name || !strcmp(str(p, "name") ?: "", name))
			return str(p, "name");
	return NULL;
}

/* A free id for a new block of type name: its last part ("request" for
 * http.request), then request_2, request_3... */
static void new_block_id(struct edit *e, const char *type, char *id, size_t len)
{
	const char *dot = strrchr(type, '.');
	char base[WORKFLOW_MAX_ID - 4];
	size_t n = 0;
	for (const char *p = dot ? dot + 1 : type; *p && n + 1 < sizeof base; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')
			base[n++] = *p;
	base[n] = '\0';
	if (!n || base[0] < 'a' || base[0] > 'z' || !strcmp(base, "trigger") || !strcmp(base, "item") ||
	    !strcmp(base, "index"))
		snprintf(base, sizeof base, "block");
	snprintf(id, len, "%s", base);
	for (int k = 2; edit_block(e, id, NULL); k++)
		snprintf(id, len, "%s_%d", base, k);
}

void editor_block_add(struct request *r)
{
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	const char *type_name = req_field(r, "type"), *after = req_field(r, "after"), *given = req_field(r, "id");
	const json_t *type = graph_block_type(e.registry, type_name);
	char after_id[WORKFLOW_MAX_ID + 1] = "trigger";
	const char *after_port = NULL;
	json_t *after_block = NULL;
	size_t at = json_array_size(json_object_get(e.def, "blocks"));
	if (after && *after && strcmp(after, "trigger")) {
		const char *dot = strchr(after, '.');
		snprintf(after_id, sizeof after_id, "%.*s", dot ? (int)(dot - after) : (int)strlen(after), after);
		after_port = dot ? dot + 1 : NULL;
		after_block = edit_block(&e, after_id, &at);
		at++;
	}
	char id[WORKFLOW_MAX_ID + 8] = "";
	if (given && *given)
		snprintf(id, sizeof id, "%s", given);
	else if (type)
		new_block_id(&e, type_name, id, sizeof id);
	json_t *after_type = after_block ? graph_block_ports(e.registry, after_block) : NULL;
	if (!type) {
		edit_refuse_one(r, &e, "Pick the type of the new block: the blocks page lists those there are.");
	} else if (strcmp(after_id, "trigger") && !after_block) {
		edit_refuse_one(r, &e, "The block to add after is not in this workflow (renamed or deleted meanwhile?).");
	} else if (given && *given && (strlen(given) >= sizeof id || edit_block(&e, given, NULL))) {
		edit_refuse_one(r, &e, "That id is taken by another block (or too long): choose another.");
	} else if (after_block && after_port && !port_of(after_type, "outputs", after_port)) {
		edit_refuse_one(r, &e, "The block to add after has no output of that name.");
	} else {
		json_t *block = json_pack("{s:s,s:s,s:{}}", "id", id, "type", type_name, "config");
		json_array_insert_new(json_object_get(e.def, "blocks"), at, block);
		const char *out = after_block ? port_of(after_type, "outputs", after_port) : NULL;
		const char *in = port_of(type, "inputs", NULL);
		if (out && in) {
			char from[160], to[160];
			snprintf(from, sizeof from, "%s.%s", after_id, out);
			snprintf(to, sizeof to, "%s.%s", id, in);
			json_array_append_new(json_object_get(e.def, "edges"), json_pack("{s:s,s:s}", "from", from, "to", to));
		}
		graph_place_after(e.def, e.registry, block, after_id);
		char location[200];
		char url[64];
		editor_url(url, sizeof url, e.wf);
		snprintf(location, sizeof location, "%s/blocks/%s", url, id);
		/* The new block's own problems (a required field not filled yet) are
		 * what its settings form, where this leads, is for. */
		edit_commit(r, &e, id, location);
	}
	json_decref(after_type);
	edit_free(&e);
}

static bool edge_is(const json_t *edge, const char *from, const char *to)
{
	return !strcmp(str(edge, "from") ?: "", from) && !strcmp(str(edge, "to") ?: "", to);
}

void editor_connect(struct request *r)
{
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	const char *from = req_field(r, "from"), *to = req_field(r, "to");
	json_t *edges = json_object_get(e.def, "edges");
	size_t i;
	json_t *edge;
	bool exists = false;
	json_array_foreach(edges, i, edge) exists |= from && to && edge_is(edge, from, to);
	if (!from || !*from || !to || !*to) {
		edit_refuse_one(r, &e, "Pick an output to connect from and an input to connect to.");
	} else if (exists) {
		edit_refuse_one(r, &e, "These two ports are connected already.");
	} else {
		json_array_append_new(edges, json_pack("{s:s,s:s}", "from", from, "to", to));
		char location[160];
		location_of(location, sizeof location, &e, "outline");
		edit_commit(r, &e, NULL, location);
	}
	edit_free(&e);
}

void editor_disconnect(struct request *r)
{
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	const char *from = req_field(r, "from"), *to = req_field(r, "to");
	json_t *edges = json_object_get(e.def, "edges");
	size_t i = json_array_size(edges), removed = 0;
	while (i-- > 0)
		if (from && to && edge_is(json_array_get(edges, i), from, to)) {
			json_array_remove(edges, i);
			removed++;
		}
	if (!removed) {
		edit_refuse_one(r, &e, "There is no such connection (removed meanwhile?).");
	} else {
		char location[160];
		location_of(location, sizeof location, &e, "outline");
		edit_commit(r, &e, NULL, location);
	}
	edit_free(&e);
}

void rename_ref(json_t *obj, const char *key, const char *old, const char *new)
{
	const char *s = str(obj, key);
	size_t n = strlen(old);
	if (!s || strncmp(s, old, n) || s[n] != '.')
		return;
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s%s", new, s + n);
	json_object_set_new(obj, key, json_string(sb_str(&sb)));
	sb_free(&sb);
}

void rename_in_config(json_t *v, const char *old, const char *new)
{
	size_t i;
	json_t *m;
	const char *key;
	if (json_is_object(v)) {
		json_object_foreach(v, key, m) {
			if (json_is_string(m)) {
				char *s = placeholder_rename_root(json_string_value(m), json_string_length(m), old, new);
				if (s)
					json_object_set_new(v, key, json_string(s));
				free(s);
			} else {
				rename_in_config(m, old, new);
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, m) {
			if (json_is_string(m)) {
				char *s = placeholder_rename_root(json_string_value(m), json_string_length(m), old, new);
				if (s)
					json_array_set_new(v, i, json_string(s));
				free(s);
			} else {
				rename_in_config(m, old, new);
			}
		}
	}
}

void editor_block_rename(struct request *r)
{
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	json_t *block = edit_route_block(r, &e, NULL);
	if (!block)
		return;
	const char *new = req_field(r, "id");
	char *old = xstrdup(str(block, "id"));
	if (!new || !*new) {
		edit_refuse_one(r, &e, "Give the block its new id.");
	} else if (strcmp(new, old) && edit_block(&e, new, NULL)) {
		edit_refuse_one(r, &e, "That id is taken by another block: choose another.");
	} else {
		json_object_set_new(block, "id", json_string(new));
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(e.def, "edges"), i, v) {
			rename_ref(v, "from", old, new);
			rename_ref(v, "to", old, new);
		}
		rename_ref(json_object_get(e.def, "trigger"), "reply", old, new);
		json_array_foreach(json_object_get(e.def, "blocks"), i, v)
			rename_in_config(json_object_get(v, "config"), old, new);
		char anchor[WORKFLOW_MAX_ID + 16], location[200];
		snprintf(anchor, sizeof anchor, "block-%s", new);
		location_of(location, sizeof location, &e, anchor);
		edit_commit(r, &e, NULL, location);
	}
	free(old);
	edit_free(&e);
}

void editor_block_delete(struct request *r)
{
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	size_t index;
	json_t *block = edit_route_block(r, &e, &index);
	if (!block)
		return;
	char *id = xstrdup(str(block, "id"));
	json_array_remove(json_object_get(e.def, "blocks"), index);
	json_t *edges = json_object_get(e.def, "edges");
	size_t n = strlen(id), i = json_array_size(edges);
	while (i-- > 0) {
		const char *from = str(json_array_get(edges, i), "from") ?: "", *to = str(json_array_get(edges, i), "to") ?: "";
		if ((!strncmp(from, id, n) && from[n] == '.') || (!strncmp(to, id, n) && to[n] == '.'))
			json_array_remove(edges, i);
	}
	char location[160];
	location_of(location, sizeof location, &e, "outline");
	edit_commit(r, &e, NULL, location);
	free(id);
	edit_free(&e);
}

void editor_tidy(struct request *r)
{
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	graph_tidy(e.def, e.registry);
	char location[160];
	location_of(location, sizeof location, &e, NULL);
	edit_commit(r, &e, NULL, location);
	edit_free(&e);
}

void editor_trigger(struct request *r)
{
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	const json_t *old = json_object_get(e.def, "trigger");
	const char *type = req_field(r, "type");
	json_t *t = json_pack("{s:s}", "type", type ? type : "");
	if (json_object_get(old, "ui"))
		json_object_set(t, "ui", json_object_get(old, "ui"));
	if (json_object_get(old, "sample")) /* the test runs' input (editor_test.c) */
		json_object_set(t, "sample", json_object_get(old, "sample"));
	static const char *const text_fields[] = { "cron", "timezone", "reply" };
	for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++) {
		const char *v = req_field(r, text_fields[i]);
		if (v && *v)
			json_object_set_new(t, text_fields[i], json_string(v));
	}
	/* What this form does not show is kept while the type stays. */
	if (type && !strcmp(type, str(old, "type") ?: "")) {
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)old, key, v)
			if (!json_object_get(t, key) && strcmp(key, "cron") && strcmp(key, "timezone") && strcmp(key, "reply"))
				json_object_set(t, key, v);
	}
	json_object_set_new(e.def, "trigger", t);
	char location[160];
	location_of(location, sizeof location, &e, "outline-trigger");
	edit_commit(r, &e, NULL, location);
	edit_free(&e);
}
