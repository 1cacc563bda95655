/* A model asked for JSON that matches a schema: its answer is parsed and
 * checked (json_check.h), and a miss is told back to it with the reason, a
 * bounded number of times. Shared by ai.extract and ai.classify. */
#ifndef AXON_PLUGINS_AI_STRUCTURED_H
#define AXON_PLUGINS_AI_STRUCTURED_H
#include <axon/block.h>

#define AI_ATTEMPTS_MAX 5

/* mode: "schema" (the provider's structured output), "json" (its JSON mode)
 * or "none" (the prompt alone). Takes the reference to request, whose
 * messages grow with each miss (each call's tokens are in the step's log).
 * Returns the value (new reference), or NULL after failing the block with
 * the last reason. */
json_t *ai_ask_json(struct axon_ctx *ctx, json_t *request, const json_t *schema, const char *mode, int attempts);

#endif
