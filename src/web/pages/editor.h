/* An edit of a workflow's graph from one of the editor's forms (editor.c,
 * block_settings.c): begin (the workflow, the version the form was made
 * from, a copy of the definition to change), change e->def, commit.
 * A form posted with a "draft" field (the editor's script: the definition
 * the page holds, unsaved) is an edit of that draft instead: committing it
 * saves nothing and answers the editor page drawn from the changed draft
 * (editor_save, POST .../edit/save, makes the version). */
#ifndef AXON_WEB_PAGES_EDITOR_H
#define AXON_WEB_PAGES_EDITOR_H
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "web/request.h"

struct edit {
	json_t *wf;       /* the workflow as stored now */
	json_t *def;      /* its definition, being changed */
	json_t *registry; /* the engine's */
	int base;         /* the version the form was made from */
	json_t *before;   /* a draft edit: the draft as it came, else NULL */
};

/* Loads the route's workflow and checks the form's "version": false after
 * answering (404, 400, or 409 when someone saved since). */
bool edit_begin(struct request *r, struct edit *e);
void edit_free(struct edit *e);
/* The problems e->def has that the stored version had not, as "block: message"
 * lines (a new array); those naming block `exempt` are left out. */
json_t *edit_new_problems(struct request *r, struct edit *e, const char *exempt);
/* Saves e->def over e->base: 303 to location (HTML) or the workflow (JSON);
 * 409 when someone saved meanwhile. A draft edit: the page drawn from e->def. */
void edit_save(struct request *r, struct edit *e, const char *location);
/* Saves e->def over e->base and returns the workflow as stored now (new
 * reference), or NULL after answering (409 when someone saved meanwhile). */
json_t *edit_store(struct request *r, struct edit *e);
/* edit_new_problems, then edit_save when there are none, else 422 with them. */
void edit_commit(struct request *r, struct edit *e, const char *exempt, const char *location);
/* Answers status with the editor page listing messages (taken; JSON: an error). */
void edit_refuse(struct request *r, struct edit *e, int status, json_t *messages);
void edit_refuse_one(struct request *r, struct edit *e, const char *message);
/* The block of e->def with this id (its index in *index), or NULL. */
json_t *edit_block(struct edit *e, const char *id, size_t *index);
/* The block named by the route's :block (URL-decoded), or NULL after
 * answering 404 (and freeing e). */
json_t *edit_route_block(struct request *r, struct edit *e, size_t *index);
/* The editor's "Test run" (editor_test.c): m.test with the kept sample, the
 * form's address, and the run named by ?run= drawn on m.drawing's nodes. */
void editor_test_model(struct request *r, json_t *m);
/* "old.port" -> "new.port" in obj[key] (an edge's end, a trigger's reply). */
void rename_ref(json_t *obj, const char *key, const char *old, const char *new);
/* Every placeholder naming block old in v (a config value) now names new. */
void rename_in_config(json_t *v, const char *old, const char *new);
/* "/workflows/ID/edit" */
void editor_url(char *buf, size_t len, const json_t *wf);

#endif
