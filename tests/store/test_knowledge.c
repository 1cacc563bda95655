/* Knowledge bases in the store, on a real file: chunk boundaries (size,
 * overlap at a word's start, breaks preferred, UTF-8 kept whole), documents
 * with their embeddings, top-k by cosine similarity in order, a dimension
 * mismatch refused with nothing written, and a deleted document's chunks
 * gone with it. */
#include <string.h>

#include "store/store.h"
#include "../testlib.h"
#include "scratch.h"

static struct store *st;

static void chunking(void)
{
	/* Each chunk at most 40 bytes, ended after a sentence where it can be. */
	const char *text = "Cells divide by mitosis. Ribosomes make proteins. The nucleus holds DNA.\n\nMitochondria make energy.";
	json_t *c = store_kb_chunk_text(text, 40, 10);
	size_t i;
	json_t *t;
	CHECK(json_array_size(c) >= 3);
	json_array_foreach(c, i, t) CHECK(json_string_length(t) <= 40);
	CHECK_STR(json_string_value(json_array_get(c, 0)), "Cells divide by mitosis.");
	/* The second starts up to 10 bytes back, at a word: "mitosis." is shared. */
	CHECK_STR(json_string_value(json_array_get(c, 1)), "mitosis. Ribosomes make proteins.");
	/* The last begins at "DNA.", within 10 bytes of the paragraph break that ended the one before. */
	CHECK_STR(json_string_value(json_array_get(c, json_array_size(c) - 1)), "DNA.\n\nMitochondria make energy.");
	json_decref(c);
	/* No blank at all: cut at the size, never inside a character (é is 2 bytes). */
	c = store_kb_chunk_text("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 17, 0);
	CHECK(json_array_size(c) == 2);
	CHECK(json_string_length(json_array_get(c, 0)) == 16);
	CHECK(json_string_length(json_array_get(c, 1)) == 2);
	json_decref(c);
	/* Short text: one chunk, trimmed; blank text: none. */
	c = store_kb_chunk_text("  hello  ", 100, 20);
	CHECK(json_array_size(c) == 1);
	CHECK_STR(json_string_value(json_array_get(c, 0)), "hello");
	json_decref(c);
	c = store_kb_chunk_text(" \n\n ", 100, 20);
	CHECK(json_array_size(c) == 0);
	json_decref(c);
}

static void bases(void)
{
	int64_t owner = 0, kb = 0, other = 0, a = 0, b = 0, id;
	int dims;
	CHECK(store_setup_owner(st, "owner", "hash", &owner) == STORE_OK);
	CHECK(store_kb_create(st, owner, "Biology", 1000, &kb) == STORE_OK);
	CHECK(store_kb_create(st, owner, "biology", 1000, &other) == STORE_CONFLICT);
	CHECK(store_kb_by_name(st, "BIOLOGY", &id, &dims) == STORE_OK && id == kb && dims == 0);
	CHECK(store_kb_by_name(st, "Physics", &id, &dims) == STORE_NOTFOUND);

	json_t *chunks = json_pack("[s, s, s]", "cells divide", "ribosomes make proteins", "the nucleus");
	const float va[] = { 1, 0, 0, 2, 2, 0, 0, 0, 0, 3, 0, 0 }; /* lengths differ: stored unit length */
	CHECK(store_kb_document_add(st, kb, "cells.pdf", "upload", chunks, va, 4, 1001, &a) == STORE_OK);
	json_decref(chunks);
	chunks = json_pack("[s]", "energy");
	const float vb[] = { 0, 0, 0, 5 };
	CHECK(store_kb_document_add(st, kb, "energy.txt", "https://example.org/energy", chunks, vb, 4, 1002, &b) == STORE_OK);
	/* Other dimensions: refused, and nothing of it written. */
	const float v3[] = { 1, 1, 1 };
	CHECK(store_kb_document_add(st, kb, "wrong.txt", "text", chunks, v3, 3, 1003, &id) == STORE_CONFLICT);
	CHECK_CONTAINS(store_errmsg(st), "its embeddings have 3 dimensions, and the knowledge base's have 4");
	json_decref(chunks);

	json_t *list = NULL;
	CHECK(store_kb_list(st, &list) == STORE_OK);
	CHECK(json_integer_value(json_object_get(json_array_get(list, 0), "documents")) == 2);
	CHECK(json_integer_value(json_object_get(json_array_get(list, 0), "chunks")) == 4);
	json_decref(list);

	/* Top 3 for a query close to (1, 0, 0, 0): "ribosomes" is that direction,
	 * "cells" (1, 0, 0, 2) next, then "energy" (0, 0, 0, 5); "nucleus" is left out. */
	const float q[] = { 0.9f, 0.1f, 0, 0.2f };
	json_t *hits = NULL;
	CHECK(store_kb_search(st, kb, q, 4, 3, &hits) == STORE_OK);
	CHECK(json_array_size(hits) == 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(hits, 0), "text")), "ribosomes make proteins");
	CHECK_STR(json_string_value(json_object_get(json_array_get(hits, 1), "text")), "cells divide");
	CHECK_STR(json_string_value(json_object_get(json_array_get(hits, 2), "text")), "energy");
	CHECK_STR(json_string_value(json_object_get(json_array_get(hits, 2), "source")), "https://example.org/energy");
	CHECK(json_real_value(json_object_get(json_array_get(hits, 0), "score")) > json_real_value(json_object_get(json_array_get(hits, 1), "score")));
	json_decref(hits);

	/* Deleting a document removes its chunks: no longer found. */
	CHECK(store_kb_document_delete(st, kb, a) == STORE_OK);
	CHECK(store_kb_document_delete(st, kb, a) == STORE_NOTFOUND);
	CHECK(store_kb_search(st, kb, q, 4, 3, &hits) == STORE_OK);
	CHECK(json_array_size(hits) == 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(hits, 0), "document")), "energy.txt");
	json_decref(hits);
	json_t *rest = NULL;
	CHECK(store_kb_chunks(st, kb, &rest) == STORE_OK);
	CHECK(json_array_size(rest) == 1);
	json_decref(rest);
	CHECK(store_kb_search(st, kb, q, 4, 0, &hits) == STORE_ERROR);
}

int main(void)
{
	char path[4200], err[512];
	scratch_init();
	chunking();
	snprintf(path, sizeof path, "%s/axon.db", scratch_dir);
	CHECK(store_open(path, &st, err, sizeof err) == STORE_OK);
	if (st) {
		bases();
		store_close(st);
	}
	return t_done("test_knowledge");
}
