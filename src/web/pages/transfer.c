/* Export a workflow as a .json file, and import one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credential_edit.h"
#include "engine/engine.h"
#include "web/pages/pages.h"
#include "web/pages/workflow_input.h"

/* A file name from the workflow's name: letters, digits, dashes only. */
static void file_name(const char *name, char *out, size_t len)
{
	size_t n = 0;
	for (const char *p = name; *p && n + 6 < len; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			out[n++] = (char)c;
		else if (n && out[n - 1] != '-')
			out[n++] = '-';
	}
	while (n && out[n - 1] == '-')
		n--;
	if (!n)
		n = (size_t)snprintf(out, len, "workflow");
	snprintf(out + n, len - n, ".json");
}

void workflow_export(struct request *r)
{
	json_t *wf = load_workflow(r, 0);
	if (!wf)
		return;
	json_t *doc = workflow_to_export(wf);
	json_t *registry = engine_registry(r->app->engine);
	credential_export_names(r->st, registry, doc);
	json_decref(registry);
	char name[80];
	file_name(json_string_value(json_object_get(wf, "name")), name, sizeof name);
	json_decref(wf);
	char *text = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	req_add_header(r, "Content-Disposition: attachment; filename=\"%s\"", name);
	reply_raw(r, 200, "application/json", text, strlen(text));
	free(text);
}

void workflow_import_get(struct request *r)
{
	reply_view(r, 200, "workflows/import", page_model(r, "Import a workflow"));
}

/* The import form again, 409: the name is taken. It keeps the document (so
 * that the file need not be chosen again) and offers a free name. */
static void ask_for_name(struct request *r, const char *text, size_t len, const char *taken)
{
	char *free_name = NULL;
	int rc = store_workflow_free_name(r->st, taken, &free_name);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	char msg[512];
	snprintf(msg, sizeof msg, "A workflow named \"%.200s\" exists already: import this one under another name "
		 "(\"%.150s\" is free).", taken, free_name);
	json_t *m = page_model(r, "Import a workflow");
	json_object_set_new(m, "document", json_stringn(text, len));
	json_object_set_new(m, "name", json_string(free_name));
	json_t *errors = json_pack("{s:s, s:s}", "name", msg, "suggested_name", free_name);
	free(free_name);
	reply_invalid_status(r, 409, "workflows/import", m, errors);
}

/* POST /workflows/import: the export as the file field, the document field
 * (the form asking for a new name sends it back), or the JSON body; name
 * instead of the document's; suffix=1 takes the first free "NAME (N)". */
void workflow_import_post(struct request *r)
{
	const struct form_field *file = form_field(&r->body, "file");
	if (file && !file->value_len)
		file = NULL; /* the form sends an empty file field with the document */
	const struct form_field *doc = file ? file : form_field(&r->body, "document");
	const char *text = doc ? doc->value : NULL;
	size_t len = doc ? doc->value_len : 0;
	if (!doc && strncmp(req_param(r, "CONTENT_TYPE"), "application/json", 16) == 0) {
		text = r->raw_body; /* the export document itself as the body */
		len = r->raw_body_len;
	}
	json_t *errors = NULL;
	const char *name = req_field(r, "name");
	if (!name)
		name = req_query(r, "name");
	json_t *wf = text && len ? workflow_from_export(text, len, name, &errors) : NULL;
	if (!wf) {
		if (!errors)
			errors = json_pack("{s:s}", "file", "Choose an exported workflow file (.json) to import.");
		reply_invalid(r, "workflows/import", page_model(r, "Import a workflow"), errors);
		return;
	}
	const char *suffix = req_field(r, "suffix");
	if (!suffix)
		suffix = req_query(r, "suffix");
	int64_t id = 0;
	int rc = store_workflow_create(r->st, r->user.id, wf, &id);
	if (rc == STORE_CONFLICT && suffix && !strcmp(suffix, "1")) {
		char *free_name = NULL;
		rc = store_workflow_free_name(r->st, json_string_value(json_object_get(wf, "name")), &free_name);
		if (rc == STORE_OK) {
			json_object_set_new(wf, "name", json_string(free_name));
			rc = store_workflow_create(r->st, r->user.id, wf, &id);
		}
		free(free_name);
	}
	if (rc == STORE_CONFLICT)
		ask_for_name(r, text, len, json_string_value(json_object_get(wf, "name")));
	else
		reply_workflow_created(r, rc, id);
	json_decref(wf);
}
