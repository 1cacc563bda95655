/* Knowledge bases for blocks (host->knowledge): a document's text cut into
 * chunks, embedded by the block's provider (llm.h) and kept in the daemon's
 * database (store.h); a question embedded the same way and answered with the
 * closest chunks. The block names a base; it never reaches the database. */
#ifndef AXON_BROKER_KNOWLEDGE_H
#define AXON_BROKER_KNOWLEDGE_H
#include <jansson.h>

#include "broker/llm.h"

#define KB_CHUNK_SIZE 1000  /* bytes of a chunk, by default */
#define KB_OVERLAP 150      /* bytes a chunk repeats of the one before, by default */

/* request: {"op": "add", "kb", "model", "document", "source", "text",
 * "chunk_size", "overlap"} → {"document_id", "chunks", "usage", "model"}
 * (the base is made with its first document), or {"op": "search", "kb",
 * "model", "query", "k"} → {"hits": [{id, document, source, seq, text,
 * score}], "usage", "model"}; NULL with the reason in err. database is the
 * store's file. */
json_t *knowledge_request(const char *database, const struct egress_policy *p, const struct llm_provider *prov,
                          const json_t *request, const struct llm_hooks *h, char *err, size_t errlen);

#endif
