/* The two edits the editor's script (templates/static/editor/) makes beyond
 * the outline's forms: a block's position when its box is dragged, and undo
 * (the definition of an earlier version). Edits like the others: made on the
 * version they name (409 when someone saved since), each a new version. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/workflow.h"
#include "web/pages/editor.h"
#include "web/pages/pages.h"

/* The form's whole number field name within the bounds of a "ui" coordinate. */
static bool coordinate(struct request *r, const char *name, int *out)
{
	const char *v = req_field(r, name);
	char *end = NULL;
	long n = v && *v ? strtol(v, &end, 10) : 0;
	if (!v || !*v || *end || n < -WORKFLOW_MAX_UI || n > WORKFLOW_MAX_UI)
		return false;
	*out = (int)n;
	return true;
}

void editor_block_position(struct request *r)
{
	struct edit e;
	if (!edit_begin(r, &e))
		return;
	const char *id = req_field(r, "block");
	json_t *node = id && !strcmp(id, "trigger") ? json_object_get(e.def, "trigger") : edit_block(&e, id, NULL);
	int x, y;
	if (!id || !*id) {
		edit_refuse_one(r, &e, "Say which block to move (the field \"block\": its id, or trigger).");
	} else if (!json_is_object(node)) {
		edit_refuse_one(r, &e, "This workflow has no block of that id (renamed or deleted meanwhile?).");
	} else if (!coordinate(r, "x", &x) || !coordinate(r, "y", &y)) {
		char msg[160];
		snprintf(msg, sizeof msg, "The position needs x and y as whole numbers from %d to %d.", -WORKFLOW_MAX_UI,
			 WORKFLOW_MAX_UI);
		edit_refuse_one(r, &e, msg);
	} else {
		json_object_set_new(node, "ui", json_pack("{s:i,s:i}", "x", x, "y", y));
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
