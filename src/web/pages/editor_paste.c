/* Paste (POST /workflows/ID/edit/paste, field "json"): blocks copied from
 * this or another workflow, as workflow JSON {"format": 1, "blocks": [...],
 * "edges": [...]}, added as one edit. An id this workflow has already is
 * renamed (fetch -> fetch_2) in the pasted blocks, their edges and their
 * placeholders; an edge whose ends were not both pasted is dropped; the
 * pasted positions move down and right until none sits on a block there. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/workflow.h"
#include "web/graph/graph.h"
#include "web/pages/editor.h"
#include "web/pages/pages.h"

#define PASTE_STEP 40 /* pixels a paste moves by when it would cover a block */

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static void refuse(struct request *r, struct edit *e, int status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void refuse(struct request *r, struct edit *e, int status, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	edit_refuse(r, e, status, json_pack("[s]", sb_str(&sb)));
	sb_free(&sb);
}

/* What the pasted text must be, checked before anything changes: NULL when
 * it is, else why not (static storage or msg). */
static const char *paste_problem(const json_t *paste, const json_t *registry, char *msg, size_t len)
{
	if (!json_is_object(paste))
		return "the pasted JSON must be an object {\"format\": 1, \"blocks\": [...], \"edges\": [...]}";
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)paste, key, v)
		if (strcmp(key, "format") && strcmp(key, "blocks") && strcmp(key, "edges") && strcmp(key, "trigger")) {
			snprintf(msg, len, "the pasted JSON has \"%.64s\", which is not part of copied blocks "
					   "(only \"format\", \"blocks\" and \"edges\")", key);
			return msg;
		}
	const json_t *format = json_object_get(paste, "format");
	if (format && (!json_is_integer(format) || json_integer_value(format) != WORKFLOW_FORMAT))
		return "the pasted JSON is of another format (\"format\" must be 1)";
	const json_t *blocks = json_object_get(paste, "blocks"), *edges = json_object_get(paste, "edges");
	if (!json_is_array(blocks) || !json_array_size(blocks))
		return "the pasted JSON has no blocks (\"blocks\" must be a list of at least one block)";
	if (edges && !json_is_array(edges))
		return "the pasted \"edges\" must be a list of {\"from\": \"block.port\", \"to\": \"block.port\"}";
	size_t i, j;
	json_t *b, *other;
	json_array_foreach(blocks, i, b) {
		const char *id = str(b, "id"), *type = str(b, "type");
		if (!json_is_object(b) || !id || !*id || !type) {
			snprintf(msg, len, "pasted block %zu must be an object with an \"id\" and a \"type\"", i + 1);
			return msg;
		}
		if (strlen(id) > WORKFLOW_MAX_ID) {
			snprintf(msg, len, "pasted block %zu has an id longer than %d characters", i + 1, WORKFLOW_MAX_ID);
			return msg;
		}
		if (!graph_block_type(registry, type)) {
			snprintf(msg, len, "pasted block \"%s\" is of type \"%.64s\", which this server does not have", id, type);
			return msg;
		}
		json_array_foreach(blocks, j, other)
			if (j < i && !strcmp(str(other, "id") ?: "", id)) {
				snprintf(msg, len, "the pasted JSON has two blocks of id \"%s\"", id);
				return msg;
			}
	}
	json_array_foreach(edges, i, b)
		if (!str(b, "from") || !str(b, "to")) {
			snprintf(msg, len, "pasted edge %zu must be {\"from\": \"block.port\", \"to\": \"block.port\"}", i + 1);
			return msg;
		}
	return NULL;
}

/* The id a pasted block gets: its own while neither the workflow nor a
 * block pasted before it has it, else its base (without a "_N" ending) with
 * _2, _3... that none of the workflow's, the pasted ones (old and new) has:
 * no rename makes another pasted block's old id. */
static void paste_id(struct edit *e, const json_t *olds, const json_t *assigned, const char *id, char *out,
		     size_t len)
{
	snprintf(out, len, "%s", id);
	if (!edit_block(e, id, NULL) && !json_object_get(assigned, id))
		return;
	size_t n = strlen(id);
	const char *end = id + n;
	while (end > id && end[-1] >= '0' && end[-1] <= '9')
		end--;
	if (end > id + 1 && end < id + n && end[-1] == '_')
		n = (size_t)(end - 1 - id);
	for (int k = 2; edit_block(e, out, NULL) || json_object_get(assigned, out) || json_object_get(olds, out); k++) {
		char suffix[16];
		int s = snprintf(suffix, sizeof suffix, "_%d", k);
		size_t keep = n + (size_t)s > WORKFLOW_MAX_ID ? WORKFLOW_MAX_ID - (size_t)s : n;
		snprintf(out, len, "%.*s%s", (int)keep, id, suffix);
	}
}

/* "id.port" with id renamed by names ({old: new}); NULL when id is not a key. */
static json_t *renamed_end(const json_t *names, const char *end)
{
	const char *dot = strchr(end, '.');
	char id[WORKFLOW_MAX_ID + 1];
	if (!dot || (size_t)(dot - end) > WORKFLOW_MAX_ID)
		return NULL;
	snprintf(id, sizeof id, "%.*s", (int)(dot - end), end);
	const char *to = json_string_value(json_object_get(names, id));
	if (!to)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s%s", to, dot);
	json_t *s = json_string(sb_str(&sb));
	sb_free(&sb);
	return s;
}

static bool at(const json_t *node, json_int_t x, json_int_t y)
{
	const json_t *ui = json_object_get(node, "ui");
	return ui && json_integer_value(json_object_get(ui, "x")) == x && json_integer_value(json_object_get(ui, "y")) == y;
}

/* Whether the trigger or a block of def is drawn at (x, y). */
static bool covers(const json_t *def, json_int_t x, json_int_t y)
{
	size_t i;
	json_t *b;
	if (at(json_object_get(def, "trigger"), x, y))
		return true;
	json_array_foreach(json_object_get(def, "blocks"), i, b)
		if (at(b, x, y))
			return true;
	return false;
}

/* Whether a pasted block moved by (d, d) would sit where a node of def is. */
static bool any_covers(const json_t *def, const json_t *pasted, json_int_t d)
{
	size_t i;
	json_t *b;
	json_array_foreach(pasted, i, b) {
		const json_t *ui = json_object_get(b, "ui");
		if (ui && covers(def, json_integer_value(json_object_get(ui, "x")) + d,
				 json_integer_value(json_object_get(ui, "y")) + d))
			return true;
	}
	return false;
}

/* Moves the pasted blocks (those with a "ui") by PASTE_STEP down and right
 * until none sits where a node of def is. */
static void paste_offset(const json_t *def, json_t *pasted)
{
	json_int_t d = 0;
	while (d < 100 * PASTE_STEP && any_covers(def, pasted, d))
		d += PASTE_STEP;
	size_t i;
	json_t *b;
	json_array_foreach(pasted, i, b) {
		json_t *ui = json_object_get(b, "ui");
		if (json_is_integer(json_object_get(ui, "x")) && json_is_integer(json_object_get(ui, "y"))) {
			json_object_set_new(ui, "x", json_integer(json_integer_value(json_object_get(ui, "x")) + d));
			json_object_set_new(ui, "y", json_integer(json_integer_value(json_object_get(ui, "y")) + d));
		}
	}
}

/* Adds paste's blocks and edges to e->def; the pasted ids, as they are now, in *ids. */
static void paste_into(struct edit *e, const json_t *paste, json_t *ids)
{
	const json_t *blocks = json_object_get(paste, "blocks");
	json_t *olds = json_object(), *assigned = json_object(), *names = json_object(), *pasted = json_array();
	size_t i;
	json_t *b;
	json_array_foreach(blocks, i, b)
		json_object_set_new(olds, str(b, "id"), json_true());
	json_array_foreach(blocks, i, b) {
		char id[WORKFLOW_MAX_ID + 1];
		paste_id(e, olds, assigned, str(b, "id"), id, sizeof id);
		json_object_set_new(assigned, id, json_true());
		json_object_set_new(names, str(b, "id"), json_string(id));
		json_t *copy = json_deep_copy(b);
		json_object_set_new(copy, "id", json_string(id));
		json_array_append_new(pasted, copy);
		json_array_append_new(ids, json_string(id));
	}
	const char *old;
	json_t *new;
	json_object_foreach(names, old, new)
		if (strcmp(old, json_string_value(new)))
			json_array_foreach(pasted, i, b)
				rename_in_config(json_object_get(b, "config"), old, json_string_value(new));
	paste_offset(e->def, pasted);
	json_array_extend(json_object_get(e->def, "blocks"), pasted);
	json_array_foreach(json_object_get(paste, "edges"), i, b) {
		json_t *from = renamed_end(names, str(b, "from")), *to = renamed_end(names, str(b, "to"));
		if (from && to) {
			json_t *edge = json_deep_copy(b);
			json_object_set_new(edge, "from", from);
			json_object_set_new(edge, "to", to);
			json_array_append_new(json_object_get(e->def, "edges"), edge);
		} else {
			json_decref(from);
			json_decref(to);
		}
	}
	json_decref(pasted);
	json_decref(names);
	json_decref(assigned);
	json_decref(olds);
}

void editor_paste(struct request *r)
{
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	const char *text = req_field(r, "json");
	json_error_t err;
	json_t *paste = text ? json_loads(text, JSON_REJECT_DUPLICATES, &err) : NULL;
	char msg[300];
	const char *problem;
	if (!text || !text[strspn(text, " \t\r\n")]) {
		refuse(r, &e, 400, "there was nothing to paste: paste blocks copied in an editor (workflow JSON "
				   "{\"format\": 1, \"blocks\": [...], \"edges\": [...]}).");
	} else if (!paste) {
		refuse(r, &e, 400, "the pasted text is not JSON (line %d, column %d: %s); paste blocks copied in an "
				   "editor.", err.line, err.column, err.text);
	} else if ((problem = paste_problem(paste, e.registry, msg, sizeof msg))) {
		refuse(r, &e, 422, "%s.", problem);
	} else {
		json_t *ids = json_array();
		paste_into(&e, paste, ids);
		json_t *fresh = edit_new_problems(r, &e, NULL);
		json_t *wf = NULL;
		if (json_array_size(fresh)) {
			edit_refuse(r, &e, 422, fresh);
		} else if (e.before) { /* the script's draft: drawn again, nothing saved */
			json_decref(fresh);
			edit_save(r, &e, NULL);
		} else {
			json_decref(fresh);
			wf = edit_store(r, &e);
		}
		if (wf) {
			char url[64], location[80];
			editor_url(url, sizeof url, wf);
			snprintf(location, sizeof location, "%s#outline", url);
			reply_done(r, 200, location, json_pack("{s:o,s:o}", "workflow", wf, "pasted", ids));
		} else {
			json_decref(ids);
		}
	}
	json_decref(paste);
	edit_free(&e);
}
