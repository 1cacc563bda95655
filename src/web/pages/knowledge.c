/* The knowledge bases' pages: the bases there are, and one base with its
 * documents and their chunks, where a document can be removed (its chunks go
 * with it). Documents are added by workflows (ai.index), which embed them
 * through the daemon's provider. */
#include <stdio.h>

#include "store/store.h"
#include "web/pages/pages.h"

static void set_url(json_t *kb)
{
	char url[64];
	snprintf(url, sizeof url, "/knowledge/%lld", (long long)json_integer_value(json_object_get(kb, "id")));
	json_object_set_new(kb, "url", json_string(url));
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
	reply_view(r, 200, "knowledge/list", m);
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
