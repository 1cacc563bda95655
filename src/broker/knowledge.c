#include "broker/knowledge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "store/store.h"

/* The embeddings of texts, LLM_EMBED_MAX a request, as one array of
 * *dims floats per text (caller frees); NULL with the reason in err. The
 * tokens are added to *tokens. */
static float *embed_all(const struct egress_policy *p, const struct llm_provider *prov, const char *model,
                        const json_t *texts, const struct llm_hooks *h, int *dims, json_int_t *tokens, char *err, size_t errlen)
{
	size_t n = json_array_size(texts);
	float *out = NULL;
	*dims = 0;
	for (size_t from = 0; from < n; from += LLM_EMBED_MAX) {
		json_t *batch = json_array();
		for (size_t i = from; i < n && i < from + LLM_EMBED_MAX; i++)
			json_array_append(batch, json_array_get(texts, i));
		json_t *req = json_pack("{s:s, s:o}", "model", model, "embed", batch);
		json_t *r = llm_call(p, prov, req, h, err, errlen);
		json_decref(req);
		if (!r) {
			free(out);
			return NULL;
		}
		*tokens += json_integer_value(json_object_get(json_object_get(r, "usage"), "tokens_in"));
		json_t *vectors = json_object_get(r, "vectors"), *v;
		size_t i, j;
		if (!*dims) {
			*dims = (int)json_array_size(json_array_get(vectors, 0));
			out = malloc(n * (size_t)*dims * sizeof *out);
		}
		json_array_foreach(vectors, i, v) {
			if ((int)json_array_size(v) != *dims) {
				snprintf(err, errlen, "the provider's embeddings do not all have %d dimensions", *dims);
				json_decref(r);
				free(out);
				return NULL;
			}
			for (j = 0; j < (size_t)*dims; j++)
				out[(from + i) * (size_t)*dims + j] = (float)json_number_value(json_array_get(v, j));
		}
		json_decref(r);
	}
	return out;
}

static json_t *add(struct store *st, const char *kb_name, const json_t *req, const struct egress_policy *p,
                   const struct llm_provider *prov, const char *model, const struct llm_hooks *h, char *err, size_t errlen)
{
	const char *text = json_string_value(json_object_get(req, "text"));
	const char *document = json_string_value(json_object_get(req, "document"));
	const char *source = json_string_value(json_object_get(req, "source"));
	json_int_t size = json_integer_value(json_object_get(req, "chunk_size")), overlap = json_integer_value(json_object_get(req, "overlap"));
	if (!text || !document || !*document) {
		snprintf(err, errlen, "adding to a knowledge base needs \"document\" (its name) and \"text\"");
		return NULL;
	}
	if (!json_object_get(req, "chunk_size"))
		size = KB_CHUNK_SIZE;
	if (!json_object_get(req, "overlap"))
		overlap = KB_OVERLAP;
	if (size < 100 || size > 20000 || overlap < 0 || overlap > size / 2) {
		snprintf(err, errlen, "chunk_size must be 100 to 20000 bytes and overlap 0 to half of it");
		return NULL;
	}
	json_t *chunks = store_kb_chunk_text(text, (size_t)size, (size_t)overlap);
	if (!json_array_size(chunks)) {
		snprintf(err, errlen, "the document '%.100s' has no text to add", document);
		json_decref(chunks);
		return NULL;
	}
	int dims = 0, have;
	json_int_t tokens = 0;
	int64_t kb, id = 0;
	float *vectors = embed_all(p, prov, model, chunks, h, &dims, &tokens, err, errlen);
	int rc = vectors ? store_kb_by_name(st, kb_name, &kb, &have) : STORE_ERROR;
	if (vectors && rc == STORE_NOTFOUND)
		rc = store_kb_create(st, 0, kb_name, now_ms() / 1000, &kb);
	if (vectors && rc == STORE_OK)
		rc = store_kb_document_add(st, kb, document, source ? source : "", chunks, vectors, dims, now_ms() / 1000, &id);
	if (vectors && rc != STORE_OK)
		snprintf(err, errlen, "the knowledge base '%.100s' could not take the document: %s", kb_name, store_errmsg(st));
	free(vectors);
	json_t *r = rc == STORE_OK ? json_pack("{s:I, s:I, s:{s:I}}", "document_id", (json_int_t)id, "chunks",
	                                       (json_int_t)json_array_size(chunks), "usage", "tokens_in", tokens) : NULL;
	json_decref(chunks);
	return r;
}

static json_t *search(struct store *st, const char *kb_name, const json_t *req, const struct egress_policy *p,
                      const struct llm_provider *prov, const char *model, const struct llm_hooks *h, char *err, size_t errlen)
{
	const json_t *query = json_object_get(req, "query");
	json_int_t k = json_object_get(req, "k") ? json_integer_value(json_object_get(req, "k")) : 5;
	int64_t kb;
	int dims, have;
	json_int_t tokens = 0;
	if (!json_is_string(query) || !json_string_length(query) || k < 1 || k > 100) {
		snprintf(err, errlen, "searching a knowledge base needs a \"query\" text and \"k\" from 1 to 100");
		return NULL;
	}
	if (store_kb_by_name(st, kb_name, &kb, &have) != STORE_OK) {
		snprintf(err, errlen, "%s (a base is made when ai.index adds its first document)", store_errmsg(st));
		return NULL;
	}
	json_t *texts = json_pack("[O]", query), *hits = NULL;
	float *q = embed_all(p, prov, model, texts, h, &dims, &tokens, err, errlen);
	json_decref(texts);
	if (q && have && dims != have)
		snprintf(err, errlen, "the query's embedding has %d dimensions and the base's have %d: search with the "
		         "embedding model the base was made with", dims, have);
	else if (q && store_kb_search(st, kb, q, dims, (int)k, &hits) != STORE_OK)
		snprintf(err, errlen, "%s", store_errmsg(st));
	free(q);
	return hits ? json_pack("{s:o, s:{s:I}}", "hits", hits, "usage", "tokens_in", tokens) : NULL;
}

json_t *knowledge_request(const char *database, const struct egress_policy *p, const struct llm_provider *prov,
                          const json_t *req, const struct llm_hooks *h, char *err, size_t errlen)
{
	const char *op = json_string_value(json_object_get(req, "op"));
	const char *kb = json_string_value(json_object_get(req, "kb"));
	const char *model = json_string_value(json_object_get(req, "model"));
	if (!op || (strcmp(op, "add") && strcmp(op, "search")) || !kb || !*kb || !model || !*model) {
		snprintf(err, errlen, "a knowledge request needs \"op\" (add or search), \"kb\" (a name) and \"model\" (the embedding model)");
		return NULL;
	}
	struct store *st;
	char why[600];
	/* A tool without axond's database (axon-block) must not make one. */
	int here = database && (store_path_is_postgresql(database) || access(database, F_OK) == 0);
	if (!here || store_open(database, &st, why, sizeof why) != STORE_OK) {
		snprintf(err, errlen, "the knowledge bases cannot be reached: %s",
		         here ? why : "there is no Axon database here (run the workflow in axond or axonctl)");
		return NULL;
	}
	json_t *r = !strcmp(op, "add") ? add(st, kb, req, p, prov, model, h, err, errlen) : search(st, kb, req, p, prov, model, h, err, errlen);
	if (r)
		json_object_set_new(r, "model", json_string(model));
	store_close(st);
	return r;
}
