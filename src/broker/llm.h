/* Language models for blocks, asked by the daemon under its egress policy:
 * OpenAI-compatible providers (POST BASE/chat/completions, where BASE is
 * such as https://api.openai.com/v1; OpenAI, vLLM, llama.cpp's llama-server,
 * LM Studio) and Ollama (POST BASE/api/chat). The answer is always streamed
 * and parsed as it comes (llm_stream.h), so that its text can be shown while
 * it is written (embeddings come whole); 429 and 5xx answers are retried a few times, after the
 * Retry-After the provider asks for or a growing pause, never past the
 * deadline. No redirect is followed: the key goes to the base URL only. */
#ifndef AXON_BROKER_LLM_H
#define AXON_BROKER_LLM_H
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "broker/egress.h"
#include "broker/llm_limit.h"
#include "broker/llm_stream.h"

#define LLM_ATTEMPTS 4           /* a 429 or 5xx is asked again up to 3 times */
#define LLM_WAIT_MAX_MS 30000    /* the longest pause between two attempts */
#define LLM_TIMEOUT_MS 120000    /* an answer's time when the provider sets none */
#define LLM_EMBED_MAX 256        /* texts in one embeddings request */

struct llm_provider {
	enum llm_protocol protocol;
	char *base_url;
	char *api_key;    /* NULL when the provider needs none; wiped when freed */
	char *model;      /* the default model, or NULL */
	long timeout_ms;  /* 0 for LLM_TIMEOUT_MS */
	struct llm_limit limit; /* its credential's, each attempt waiting its turn */
};

struct llm_hooks {
	/* The text that arrived in one piece from the network, and how many
	 * deltas (about one token each) have come so far; NULL for none. */
	void (*on_text)(void *arg, const char *text, size_t len, long deltas);
	void *arg;
	const volatile int *cancel; /* stops the call when set (may be NULL) */
	int64_t deadline;           /* monotonic ms: no attempt or pause goes past it */
};

/* request (see axon/block.h, host->llm): {"model", "messages", "temperature",
 * "max_tokens", "json", "schema", "tools"}, or {"model", "embed": [texts]}
 * for embeddings (POST BASE/embeddings, BASE/api/embed; not streamed).
 * Returns llm_stream_result()'s object, or {"vectors", "usage"} for
 * embeddings, with "model" always set, "duration_ms" and "attempts", or
 * NULL with the reason in err. Thread-safe. */
json_t *llm_call(const struct egress_policy *p, const struct llm_provider *prov, const json_t *request,
                 const struct llm_hooks *h, char *err, size_t errlen);
/* prov (protocol set, the rest empty) from the fields of the credential ref
 * (id id, of type type_name, which must be "llm"): its base URL, key,
 * default model, timeout and limits. 0, or -1 with the reason in err. */
int llm_provider_from_credential(struct llm_provider *prov, const char *ref, int64_t id, const char *type_name,
                                 const json_t *fields, char *err, size_t errlen);
/* The protocol named "openai" or "ollama"; -1 for another name. */
int llm_protocol_named(const char *name);
void llm_provider_free(struct llm_provider *prov);

#endif
