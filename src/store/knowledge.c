/* Knowledge bases: named collections of documents, each cut into chunks
 * (chunking.c) whose embeddings are kept as BLOBs of float32, made unit
 * length when stored so that cosine similarity is a dot product. Search reads
 * a base's vectors and keeps the best k (brute force: docs/performance.md
 * measures it over 100,000 chunks), then reads those chunks' text. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

int store_kb_create(struct store *st, int64_t actor, const char *name, int64_t now, int64_t *id)
{
	int rc = db_begin(st);
	if (rc != STORE_OK)
		return rc;
	rc = db_int(st, id, "INSERT INTO knowledge_bases (name, dims, created_by, created_at) VALUES (?1, 0, NULLIF(?2, 0), ?3)"
	            " RETURNING id", "tii", name, actor, now);
	if (rc == STORE_OK) {
		rc = audit_add(st, actor, "kb.create", "knowledge_base", *id, name);
	}
	return db_finish(st, rc);
}

int store_kb_list(struct store *st, json_t **out)
{
	struct db_stmt *s;
	int rc = db_prepare(st, &s,
	                    "SELECT k.id AS id, k.name AS name, k.dims AS dims, k.created_at AS created_at,"
	                    " (SELECT count(*) FROM kb_documents d WHERE d.kb_id = k.id) AS documents,"
	                    " (SELECT count(*) FROM kb_chunks c WHERE c.kb_id = k.id) AS chunks"
	                    " FROM knowledge_bases k ORDER BY k.name COLLATE NOCASE", "");
	return rc == STORE_OK ? db_rows(st, s, "", out) : rc;
}

int store_kb_get(struct store *st, int64_t kb, json_t **out)
{
	json_t *base = NULL, *documents = NULL;
	struct db_stmt *s;
	int rc = db_begin_read(st);
	if (rc == STORE_OK)
		rc = db_prepare(st, &s, "SELECT id, name, dims, created_at, embedding FROM knowledge_bases WHERE id = ?1", "i", kb);
	if (rc == STORE_OK)
		rc = db_one(st, s, "embedding", &base);
	if (rc == STORE_OK)
		rc = db_prepare(st, &s,
		                "SELECT d.id AS id, d.name AS name, d.source AS source, d.created_at AS created_at,"
		                " (SELECT count(*) FROM kb_chunks c WHERE c.document_id = d.id) AS chunks"
		                " FROM kb_documents d WHERE d.kb_id = ?1 ORDER BY d.id", "i", kb);
	if (rc == STORE_OK)
		rc = db_rows(st, s, "", &documents);
	rc = db_finish(st, rc);
	if (rc != STORE_OK) {
		json_decref(base);
		json_decref(documents);
		return rc;
	}
	json_object_set_new(base, "documents", documents);
	*out = base;
	return STORE_OK;
}

int store_kb_set_embedding(struct store *st, int64_t actor, int64_t kb, const json_t *embedding)
{
	char *text = json_dumps(embedding, JSON_COMPACT);
	int rc = db_begin(st);
	if (rc == STORE_OK)
		rc = db_exec(st, "UPDATE knowledge_bases SET embedding = ?2 WHERE id = ?1", "it", kb, text);
	if (rc == STORE_OK && !db_changes(st))
		rc = db_failf(st, STORE_NOTFOUND, "there is no such knowledge base");
	if (rc == STORE_OK)
		rc = audit_add(st, actor, "kb.embedding", "knowledge_base", kb, json_string_value(json_object_get(embedding, "model")));
	free(text);
	return db_finish(st, rc);
}

int store_kb_by_name(struct store *st, const char *name, int64_t *id, int *dims)
{
	struct db_stmt *s;
	int rc = db_prepare(st, &s, "SELECT id, dims FROM knowledge_bases WHERE name = ?1 COLLATE NOCASE", "t", name);
	if (rc != STORE_OK)
		return rc;
	rc = db_step(st, s);
	if (rc == DB_ROW) {
		*id = db_col_int64(s, 0);
		*dims = (int)db_col_int64(s, 1);
		rc = STORE_OK;
	} else if (rc == STORE_OK) {
		rc = db_failf(st, STORE_NOTFOUND, "there is no knowledge base named '%.100s'", name);
	}
	db_release(st, s);
	return rc;
}

/* v made unit length (a zero vector stays zero). */
static void normalize(float *v, int dims)
{
	double sum = 0;
	for (int i = 0; i < dims; i++)
		sum += (double)v[i] * v[i];
	float norm = (float)sqrt(sum);
	for (int i = 0; norm > 0 && i < dims; i++)
		v[i] /= norm;
}

static int add_chunks(struct store *st, int64_t kb, int64_t doc, const json_t *chunks, const float *vectors, int dims)
{
	float *unit = malloc((size_t)dims * sizeof *unit);
	size_t i;
	json_t *text;
	int rc = STORE_OK;
	json_array_foreach(chunks, i, text) {
		memcpy(unit, vectors + i * (size_t)dims, (size_t)dims * sizeof *unit);
		normalize(unit, dims);
		rc = db_exec(st, "INSERT INTO kb_chunks (document_id, kb_id, seq, text, embedding) VALUES (?1, ?2, ?3, ?4, ?5)",
		             "iiitb", doc, kb, (int64_t)i, json_string_value(text), (const void *)unit,
		             (size_t)dims * sizeof *unit);
		if (rc != STORE_OK)
			break;
	}
	free(unit);
	return rc;
}

int store_kb_document_add(struct store *st, int64_t kb, const char *name, const char *source, const json_t *chunks,
                          const float *vectors, int dims, int64_t now, int64_t *id)
{
	if (dims <= 0 || !json_array_size(chunks))
		return db_failf(st, STORE_ERROR, "a document needs at least one chunk and its embedding");
	int rc = db_begin(st);
	if (rc != STORE_OK)
		return rc;
	int64_t have = -1;
	rc = db_int(st, &have, "SELECT coalesce((SELECT dims FROM knowledge_bases WHERE id = ?1), -1)", "i", kb);
	if (rc == STORE_OK && have < 0)
		rc = db_failf(st, STORE_NOTFOUND, "no knowledge base %lld", (long long)kb);
	else if (rc == STORE_OK && have > 0 && have != dims)
		rc = db_failf(st, STORE_CONFLICT, "its embeddings have %d dimensions, and the knowledge base's have %lld: "
		              "use the embedding model the base was made with", dims, (long long)have);
	if (rc == STORE_OK && have == 0)
		rc = db_exec(st, "UPDATE knowledge_bases SET dims = ?2 WHERE id = ?1", "in", kb, dims);
	if (rc == STORE_OK)
		rc = db_int(st, id, "INSERT INTO kb_documents (kb_id, name, source, created_at) VALUES (?1, ?2, ?3, ?4)"
		            " RETURNING id", "itti", kb, name, source, now);
	if (rc == STORE_OK)
		rc = add_chunks(st, kb, *id, chunks, vectors, dims);
	return db_finish(st, rc);
}

int store_kb_document_delete(struct store *st, int64_t kb, int64_t doc)
{
	int rc = db_begin(st);
	if (rc != STORE_OK)
		return rc;
	rc = db_exec(st, "DELETE FROM kb_documents WHERE id = ?1 AND kb_id = ?2", "ii", doc, kb);
	if (rc == STORE_OK && db_changes(st) == 0)
		rc = db_failf(st, STORE_NOTFOUND, "no document %lld in knowledge base %lld", (long long)doc, (long long)kb);
	return db_finish(st, rc);
}

int store_kb_chunks(struct store *st, int64_t kb, json_t **out)
{
	struct db_stmt *s;
	int rc = db_prepare(st, &s,
	                    "SELECT c.id AS id, d.id AS document_id, d.name AS document, c.seq AS seq, c.text AS text"
	                    " FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id WHERE c.kb_id = ?1"
	                    " ORDER BY d.id, c.seq", "i", kb);
	return rc == STORE_OK ? db_rows(st, s, "", out) : rc;
}

struct hit {
	int64_t id;
	float score;
};

/* Keeps the best k of what it is shown, best first. */
static void keep(struct hit *best, int k, int *n, int64_t id, float score)
{
	if (*n == k && score <= best[k - 1].score)
		return;
	int at = *n < k ? (*n)++ : k - 1;
	while (at > 0 && best[at - 1].score < score) {
		best[at] = best[at - 1];
		at--;
	}
	best[at] = (struct hit){ id, score };
}

static int best_chunks(struct store *st, int64_t kb, const float *q, int dims, struct hit *best, int k, int *n)
{
	struct db_stmt *s;
	int rc = db_prepare(st, &s, "SELECT id, embedding FROM kb_chunks WHERE kb_id = ?1", "i", kb);
	while (rc == STORE_OK && (rc = db_step(st, s)) == DB_ROW) {
		size_t len;
		const float *v = db_col_blob(s, 1, &len);
		if (len != (size_t)dims * sizeof(float)) {
			rc = db_failf(st, STORE_CORRUPT, "a chunk's embedding has the wrong size");
			break;
		}
		float dot = 0;
		for (int i = 0; i < dims; i++)
			dot += q[i] * v[i];
		keep(best, k, n, db_col_int64(s, 0), dot);
		rc = STORE_OK;
	}
	if (rc == DB_ROW)
		rc = STORE_OK;
	db_release(st, s);
	return rc;
}

int store_kb_search(struct store *st, int64_t kb, const float *query, int dims, int k, json_t **out)
{
	if (k < 1 || k > 100 || dims <= 0)
		return db_failf(st, STORE_ERROR, "k must be between 1 and 100");
	float *q = malloc((size_t)dims * sizeof *q);
	struct hit *best = malloc((size_t)k * sizeof *best);
	int n = 0;
	memcpy(q, query, (size_t)dims * sizeof *q);
	normalize(q, dims);
	int rc = db_begin_read(st);
	if (rc == STORE_OK)
		rc = best_chunks(st, kb, q, dims, best, k, &n);
	json_t *hits = json_array();
	for (int i = 0; rc == STORE_OK && i < n; i++) {
		struct db_stmt *s;
		json_t *row = NULL;
		rc = db_prepare(st, &s,
		                "SELECT c.id AS id, d.name AS document, d.source AS source, c.seq AS seq, c.text AS text"
		                " FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id WHERE c.id = ?1", "i", best[i].id);
		if (rc == STORE_OK)
			rc = db_one(st, s, "", &row);
		if (rc == STORE_OK) {
			json_object_set_new(row, "score", json_real(best[i].score));
			json_array_append_new(hits, row);
		}
	}
	rc = db_finish(st, rc);
	free(q);
	free(best);
	if (rc != STORE_OK) {
		json_decref(hits);
		return rc;
	}
	*out = hits;
	return STORE_OK;
}
