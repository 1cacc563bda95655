/* Export a workflow as a .json file, and import one. */
#include <stdlib.h>
#include <string.h>

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

void workflow_import_post(struct request *r)
{
	const struct form_field *file = form_field(&r->body, "file");
	const char *text = file ? file->value : NULL;
	size_t len = file ? file->value_len : 0;
	if (!file && strncmp(req_param(r, "CONTENT_TYPE"), "application/json", 16) == 0) {
		text = r->raw_body; /* the export document itself as the body */
		len = r->raw_body_len;
	}
	json_t *errors = NULL;
	json_t *wf = text && len ? workflow_from_export(text, len, &errors)
				 : NULL;
	if (!wf) {
		if (!errors)
			errors = json_pack("{s:s}", "file", "Choose an exported workflow file (.json) to import.");
		reply_invalid(r, "workflows/import", page_model(r, "Import a workflow"), errors);
		return;
	}
	reply_workflow_created(r, wf);
}
