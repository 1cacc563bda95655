/* The knowledge bases' pages: the bases there are, where a base is made
 * with the provider and model that embed it, and one base with its
 * documents and their chunks, where a document can be removed (its chunks go
 * with it) or added (knowledge_add.c). Workflows add documents too
 * (ai.index), which makes a base with its first one. */
#include <stdio.h>
#include <string.h>

#include "broker/credentials.h"
#include "broker/llm.h"
#include "clock.h"
#include "store/store.h"
#include "web/app.h"
#include "web/form.h"
#include "web/pages/pages.h"

static void set_url(json_t *kb)
{
	char url[64];
	snprintf(url, sizeof url, "/knowledge/%lld", (long long)json_integer_value(json_object_get(kb, "id")));
	json_object_set_new(kb, "url", json_string(url));
}

/* The LLM provider credentials the person may use, for the form's choice: [{"name"}]. */
static json_t *llm_credentials(struct request *r)
{
	json_t *all = NULL, *mine = json_array(), *c;
	size_t i;
	if (store_credential_usable_list(r->st, r->user.id, &all) == STORE_OK)
		json_array_foreach(all, i, c)
			if (!strcmp(json_string_value(json_object_get(c, "type")) ?: "", "llm"))
				json_array_append_new(mine, json_pack("{s:O}", "name", json_object_get(c, "name")));
	json_decref(all);
	return mine;
}

void knowledge_list(struct request *r)
{
	json_t *bases = NULL, *kb;
	int rc = store_kb_list(r->st, &bases);
	if (rc != STORE_OK) {
		reply_store_error(r, rc, NULL);
		return;
	}
	size_t i;
	json_array_foreach(bases, i, kb) set_url(kb);
	json_t *m = page_model(r, "Knowledge bases");
	json_object_set_new(m, "bases", bases);
	json_object_set_new(m, "credentials", llm_credentials(r));
	reply_view(r, 200, "knowledge/list", m);
}

/* {"protocol", "credential", "base_url", "model"} from the form, checked:
 * NULL with errors set. A credential must be one the person may use. */
static json_t *embedding_from_form(struct request *r, json_t *errors)
{
	const char *protocol = req_field(r, "protocol"), *cred = req_field(r, "credential");
	const char *base_url = req_field(r, "base_url"), *model = req_field(r, "model");
	if (!protocol || !*protocol)
		protocol = "openai";
	if (llm_protocol_named(protocol) < 0)
		json_object_set_new(errors, "protocol", json_string("Choose openai or ollama."));
	if (!model || !*model)
		json_object_set_new(errors, "model", json_string("Name the embedding model, such as text-embedding-3-small or "
		                                                 "nomic-embed-text: the base is always embedded with it."));
	if ((!cred || !*cred) == (!base_url || !*base_url))
		json_object_set_new(errors, "credential", json_string("Choose an LLM provider credential, or give the base URL "
		                                                      "of a server that asks for no key (not both)."));
	else if (cred && *cred) {
		char err[400];
		int64_t id;
		json_t *fields = credential_for_user(r->st, r->app->keyring, r->user.id, cred, "llm", &id, err, sizeof err);
		if (!fields)
			json_object_set_new(errors, "credential", json_string(err));
		broker_credential_free(fields);
	}
	if (json_object_size(errors))
		return NULL;
	return json_pack("{s:s, s:s?, s:s?, s:s}", "protocol", protocol, "credential", cred && *cred ? cred : NULL,
	                 "base_url", base_url && *base_url ? base_url : NULL, "model", model);
}

void knowledge_create(struct request *r)
{
	const char *name = req_field(r, "name");
	json_t *errors = json_object();
	const char *problem = name ? text_problem(name, strlen(name), 1) : NULL;
	if (!name || !*name || strlen(name) > 100 || problem)
		json_object_set_new(errors, "name", json_string("Give the base a name of 1 to 100 characters on one line, "
		                                                "such as biology-course: blocks name it in their kb setting."));
	json_t *embedding = embedding_from_form(r, errors);
	int64_t id = 0;
	int rc = embedding ? store_kb_create(r->st, r->user.id, name, now_ms() / 1000, &id) : STORE_OK;
	if (embedding && rc == STORE_OK)
		rc = store_kb_set_embedding(r->st, r->user.id, id, embedding);
	json_decref(embedding);
	if (rc == STORE_CONFLICT || (rc != STORE_OK && strstr(store_errmsg(r->st), "UNIQUE")))
		json_object_set_new(errors, "name", json_string("A knowledge base has that name already: choose another."));
	else if (rc != STORE_OK) {
		json_decref(errors);
		reply_store_error(r, rc, NULL);
		return;
	}
	if (json_object_size(errors)) {
		json_t *bases = NULL, *m = page_model(r, "Knowledge bases"), *kb;
		size_t i;
		if (store_kb_list(r->st, &bases) == STORE_OK)
			json_array_foreach(bases, i, kb) set_url(kb);
		json_object_set_new(m, "bases", bases ? bases : json_array());
		json_object_set_new(m, "credentials", llm_credentials(r));
		json_object_set_new(m, "form", json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?}", "name", name, "credential",
		                                         req_field(r, "credential"), "protocol", req_field(r, "protocol"),
		                                         "base_url", req_field(r, "base_url"), "model", req_field(r, "model")));
		reply_invalid_status(r, json_object_get(errors, "name") && rc != STORE_OK ? 409 : 400, "knowledge/list", m, errors);
		return;
	}
	json_decref(errors);
	char url[64];
	snprintf(url, sizeof url, "/knowledge/%lld", (long long)id);
	reply_done(r, 201, url, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name, "url", url));
}

void knowledge_show(struct request *r)
{
	int64_t id = req_id_param(r, 0);
	json_t *kb = NULL, *chunks = NULL, *doc, *c;
	int rc = id ? store_kb_get(r->st, id, &kb) : STORE_NOTFOUND;
	if (rc == STORE_OK)
		rc = store_kb_chunks(r->st, id, &chunks);
	if (rc != STORE_OK) {
		json_decref(kb);
		reply_store_error(r, rc, "There is no such knowledge base.");
		return;
	}
	set_url(kb);
	char add_url[80];
	snprintf(add_url, sizeof add_url, "/knowledge/%lld/documents", (long long)id);
	json_object_set_new(kb, "add_url", json_string(add_url));
	size_t i, j;
	json_array_foreach(json_object_get(kb, "documents"), i, doc) {
		char url[96];
		int64_t doc_id = json_integer_value(json_object_get(doc, "id"));
		snprintf(url, sizeof url, "/knowledge/%lld/documents/%lld/delete", (long long)id, (long long)doc_id);
		json_object_set_new(doc, "delete_url", json_string(url));
		json_t *mine = json_array();
		json_array_foreach(chunks, j, c)
			if (json_integer_value(json_object_get(c, "document_id")) == doc_id)
				json_array_append(mine, c);
		json_object_set_new(doc, "chunk_list", mine);
	}
	json_decref(chunks);
	json_t *m = page_model(r, json_string_value(json_object_get(kb, "name")));
	json_object_set_new(m, "kb", kb);
	reply_view(r, 200, "knowledge/show", m);
}

void knowledge_document_delete(struct request *r)
{
	int64_t id = req_id_param(r, 0), doc = req_id_param(r, 1);
	int rc = id && doc ? store_kb_document_delete(r->st, id, doc) : STORE_NOTFOUND;
	if (rc != STORE_OK) {
		reply_store_error(r, rc, "This knowledge base has no such document.");
		return;
	}
	char url[64];
	snprintf(url, sizeof url, "/knowledge/%lld", (long long)id);
	reply_done(r, 200, url, json_pack("{s:I}", "deleted", (json_int_t)doc));
}
