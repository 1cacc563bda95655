/* Reading a workflow (name, description, tags, definition) from a form or
 * an export file, with a message per field for whatever is wrong. */
#ifndef AXON_WORKFLOW_INPUT_H
#define AXON_WORKFLOW_INPUT_H
#include <jansson.h>

#include "web/form.h"

/* Returns {name, description, tags, definition} or NULL with errors set
 * (an object of field → message). The submitted values, as text, go into
 * *echo so the form can be shown again. */
json_t *workflow_from_form(const struct form *f, json_t **errors, json_t **echo);
/* From an export document ({"axon_workflow":1, name, description, tags,
 * definition}); name, when not NULL or empty, instead of the document's. */
json_t *workflow_from_export(const char *text, size_t len, const char *name, json_t **errors);
/* The export document of a stored workflow. */
json_t *workflow_to_export(const json_t *wf);

#endif
