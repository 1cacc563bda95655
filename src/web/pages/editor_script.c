/* What the editor's script (templates/static/editor/) posts beyond the
 * outline's forms: its draft changed in the page (a deletion, undo, redo)
 * drawn again, and Save (the draft as a new version, 409 when someone saved
 * since the version it was made from); and, for API clients, a block's
 * position and a revert to an earlier version, each a new version. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/workflow.h"
#include "web/pages/editor.h"
#include "web/pages/pages.h"

/* The values of the form's fields called name, in order (at most max). */
static size_t fields_named(struct request *r, const char *name, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < r->body.n && n < max; i++)
		if (!strcmp(r->body.fields[i].name, name))
			out[n++] = r->body.fields[i].value;
	return n;
}

/* A whole number within the bounds of a "ui" coordinate. */
static bool coordinate(const char *v, int *out)
{
	char *end = NULL;
	long n = v && *v ? strtol(v, &end, 10) : 0;
	if (!v || !*v || *end || n < -WORKFLOW_MAX_UI || n > WORKFLOW_MAX_UI)
		return false;
	*out = (int)n;
	return true;
}

/* block, x and y once per block moved (several boxes dragged together are one edit). */
void editor_block_position(struct request *r)
{
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	enum { MAX_MOVED = 500 };
	const char *ids[MAX_MOVED], *xs[MAX_MOVED], *ys[MAX_MOVED];
	size_t n = fields_named(r, "block", ids, MAX_MOVED);
	bool ok = n > 0 && fields_named(r, "x", xs, MAX_MOVED) == n && fields_named(r, "y", ys, MAX_MOVED) == n;
	char msg[200] = "";
	for (size_t i = 0; ok && i < n; i++) {
		json_t *node = !strcmp(ids[i], "trigger") ? json_object_get(e.def, "trigger") : edit_block(&e, ids[i], NULL);
		int x, y;
		if (!json_is_object(node)) {
			snprintf(msg, sizeof msg, "This workflow has no block %.64s (renamed or deleted meanwhile?).", ids[i]);
			break;
		}
		if (!coordinate(xs[i], &x) || !coordinate(ys[i], &y)) {
			snprintf(msg, sizeof msg, "The position of %.64s needs x and y as whole numbers from %d to %d.",
				 ids[i], -WORKFLOW_MAX_UI, WORKFLOW_MAX_UI);
			break;
		}
		json_object_set_new(node, "ui", json_pack("{s:i,s:i}", "x", x, "y", y));
	}
	if (!ok) {
		edit_refuse_one(r, &e, "Say which block to move and where: the fields block (its id, or trigger), x "
				       "and y, once for each block.");
	} else if (*msg) {
		edit_refuse_one(r, &e, msg);
	} else {
		char location[64];
		editor_url(location, sizeof location, e.wf);
		edit_commit(r, &e, NULL, location);
	}
	edit_free(&e);
}

/* Undo and redo: the definition of version "to" saved over the version the
 * script is at. Not checked for new problems: that definition was saved once. */
void editor_revert(struct request *r)
{
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	const char *v = req_field(r, "to");
	char *end = NULL;
	long to = v && *v ? strtol(v, &end, 10) : 0;
	json_t *old = NULL;
	if (!v || !*v || *end || to < 1 || to > 1000000000L ||
	    store_workflow_get(r->st, json_integer_value(json_object_get(e.wf, "id")), (int)to, &old) != STORE_OK) {
		edit_refuse_one(r, &e, "There is no such version of this workflow to go back to (the field \"to\").");
	} else {
		json_decref(e.def);
		e.def = json_deep_copy(json_object_get(old, "definition"));
		char location[64];
		editor_url(location, sizeof location, e.wf);
		edit_save(r, &e, location);
	}
	json_decref(old);
	edit_free(&e);
}

/* POST .../edit/draft: "to", the definition the script made of its "draft"
 * (a deletion, a cut), drawn as the editor; refused (422) when it adds a
 * problem, unless check=no (undo and redo: a state the page had before). */
void editor_draft(struct request *r)
{
	if (!req_field(r, "draft")) {
		reply_error(r, 400, "Send the editor's unsaved workflow as the field \"draft\".", NULL);
		return;
	}
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	const char *to = req_field(r, "to"), *check = req_field(r, "check");
	json_t *def = to ? json_loads(to, JSON_REJECT_DUPLICATES, NULL) : NULL;
	if (!json_is_object(def)) {
		edit_refuse_one(r, &e, "Send the changed workflow as a JSON object in the field \"to\".");
	} else {
		json_decref(e.def);
		e.def = json_incref(def);
		if (check && !strcmp(check, "no"))
			edit_save(r, &e, NULL);
		else
			edit_commit(r, &e, NULL, NULL);
	}
	json_decref(def);
	edit_free(&e);
}

/* POST .../edit/save: the script's Save, its draft ("definition") as a new
 * version over "version" (409 when someone saved since). Not checked for new
 * problems: each edit of the draft was. */
void editor_save(struct request *r)
{
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	const char *text = req_field(r, "definition");
	json_error_t err;
	json_t *def = text ? json_loads(text, JSON_REJECT_DUPLICATES, &err) : NULL;
	if (!json_is_object(def)) {
		char msg[300];
		snprintf(msg, sizeof msg, "Send the workflow to save as a JSON object in the field \"definition\" "
					  "(%s).", def ? "not an object" : text ? err.text : "there is none");
		edit_refuse_one(r, &e, msg);
	} else {
		json_decref(e.def);
		e.def = json_incref(def);
		char location[64];
		editor_url(location, sizeof location, e.wf);
		edit_save(r, &e, location);
	}
	json_decref(def);
	edit_free(&e);
}
