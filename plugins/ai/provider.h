/* What the ai blocks share: the provider settings of their config, the
 * prompts filled from the inputs, one call to the model through the host, and
 * the usage they report. */
#ifndef AXON_PLUGINS_AI_PROVIDER_H
#define AXON_PLUGINS_AI_PROVIDER_H
#include <axon/block.h>

/* The config schema properties every ai block has (JSON text, each followed
 * by a comma): the provider, a credential of type "llm" (its base URL, key,
 * default model and limits, applied by the daemon: the block never sees
 * them), and the model. */
#define AI_PROVIDER_PROPERTIES \
	"\"credential\": {\"type\": \"string\", \"title\": \"Provider\", \"description\": \"A credential of type LLM provider: its base URL, API key, default model, timeout and limits\", \"format\": \"credential\", \"credential_type\": \"llm\"}," \
	"\"protocol\": {\"type\": \"string\", \"title\": \"Provider protocol\", \"description\": \"openai: any OpenAI-compatible server (OpenAI, vLLM, llama.cpp's llama-server, LM Studio, Ollama's /v1); ollama: Ollama's own API\", \"enum\": [\"openai\", \"ollama\"], \"default\": \"openai\"}," \
	"\"base_url\": {\"type\": \"string\", \"title\": \"Base URL without a credential\", \"description\": \"Only for a server that asks for no key, such as a local Ollama (http://127.0.0.1:11434); empty when a credential is chosen, whose base URL is used. Local addresses need egress_allow_loopback or egress_allow_private in axon.conf\", \"default\": \"\"}," \
	"\"model\": {\"type\": \"string\", \"title\": \"Model\", \"description\": \"Such as gpt-4o-mini or llama3.2 (for ai.embed: text-embedding-3-small, nomic-embed-text); empty for the credential's default model\", \"default\": \"\"},"
/* ... and of the blocks that have the model write. */
#define AI_GENERATION_PROPERTIES \
	"\"temperature\": {\"type\": \"number\", \"title\": \"Temperature\", \"description\": \"0 for the most predictable answers, up to 2 for the most varied; empty for the model's default\"}," \
	"\"max_tokens\": {\"type\": \"integer\", \"title\": \"Most tokens in the answer\", \"description\": \"Where the model must stop; empty for the model's default\"},"
/* ... and of the blocks that use a knowledge base. */
#define AI_KB_PROPERTIES \
	"\"kb\": {\"type\": \"string\", \"title\": \"Knowledge base\", \"description\": \"Its name, such as biology-course; ai.index makes it with its first document. Always embed it with the same model\"},"

/* The messages of a request: the system prompt (when not empty) and the
 * user prompt, each filled from the inputs ({{ in.field }}); NULL after
 * failing the block. */
json_t *ai_messages(struct axon_ctx *ctx, const char *system, const char *user, const json_t *inputs);
/* Puts a + b at the start of the system message, making one when there is
 * none (text the block writes, not filled from the inputs). */
void ai_system_first(json_t *messages, const char *a, const char *b);
/* A request to the model with the config's provider, model, temperature and
 * max_tokens (when set), and messages (the reference is taken; NULL for
 * none, as for embeddings). */
json_t *ai_request(const json_t *config, json_t *messages);
/* The model's answer (see axon/block.h, host->llm), or NULL after failing
 * the block. */
json_t *ai_ask(struct axon_ctx *ctx, const json_t *request);
/* A knowledge base request (see axon/block.h, host->knowledge): op, kb and
 * the provider of config, model the embedding model, with the fields of more
 * (the reference is taken). The answer, or NULL after failing the block. */
json_t *ai_knowledge(struct axon_ctx *ctx, const json_t *config, const char *op, const char *model, json_t *more);
/* Adds the usage of answer to total ({"tokens_in", "tokens_out", "model",
 * "duration_ms"}), making it when *total is NULL. */
void ai_add_usage(json_t **total, const json_t *answer);

#endif
