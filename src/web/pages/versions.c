/* A workflow's version history: the list, one version, restore. */
#include <stdlib.h>
#include <string.h>

#include "web/pages/decorate.h"
#include "web/pages/pages.h"

static int version_param(struct request *r)
{
	const char *v = r->params[1];
	if (!v || strlen(v) > 9 || strspn(v, "0123456789") != strlen(v) || v[0] == '0')
		return 0;
	return atoi(v);
}

void workflow_versions(struct request *r)
{
	json_t *wf = load_workflow(r, 0);
	if (!wf)
		return;
	json_t *versions = NULL;
	int rc = store_workflow_versions(r->st, req_id_param(r, 0), &versions);
	if (rc != STORE_OK) {
		json_decref(wf);
		reply_store_error(r, rc, NULL);
		return;
	}
	decorate_versions(versions, req_id_param(r, 0));
	json_t *m = page_model(r, "Versions");
	json_object_set_new(m, "workflow", wf);
	json_object_set_new(m, "versions", versions);
	reply_view(r, 200, "workflows/versions", m);
}

void workflow_version_show(struct request *r)
{
	int v = version_param(r);
	json_t *current = load_workflow(r, 0);
	if (!current)
		return;
	json_t *wf = v ? load_workflow(r, v) : NULL;
	if (!wf) {
		if (!v)
			reply_error(r, 404, "There is no such version.", NULL);
		json_decref(current);
		return;
	}
	json_t *m = page_model(r, "Version");
	char *def = json_dumps(json_object_get(wf, "definition"), JSON_INDENT(2) | JSON_SORT_KEYS);
	json_object_set_new(m, "definition_text", json_string(def ? def : "{}"));
	free(def);
	int is_current = json_integer_value(json_object_get(current, "version")) == v;
	json_object_set_new(m, "is_current", json_boolean(is_current));
	json_object_set_new(m, "can_restore", json_boolean(!is_current && r->user.role >= ROLE_EDITOR));
	json_object_set_new(m, "current", current);
	json_object_set_new(m, "workflow", wf);
	reply_view(r, 200, "workflows/version", m);
}

void workflow_version_restore(struct request *r)
{
	int64_t id = req_id_param(r, 0);
	int v = version_param(r), version = 0;
	int rc = id && v ? store_workflow_restore(r->st, r->user.id, id, v, &version) : STORE_NOTFOUND;
	json_t *wf = NULL;
	if (rc == STORE_OK)
		rc = store_workflow_get(r->st, id, 0, &wf);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, rc == STORE_CONFLICT ? store_errmsg(r->st) : "There is no such workflow or version.");
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/workflows/%lld", (long long)id);
	reply_done(r, 200, loc, json_pack("{s:o,s:i}", "workflow", wf, "restored_from", v));
}
