/* ai.search: the chunks of a knowledge base closest in meaning to a query,
 * best first, with the documents they come from. */
#include "ai/blocks.h"
#include "ai/provider.h"
#include "template_fill.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	json_t *query;
	if (template_fill(ctx, json_string_value(json_object_get(config, "query")), inputs, 0, &query) != AXON_OK)
		return AXON_FAIL;
	json_t *answer = ai_knowledge(ctx, config, "search", json_string_value(json_object_get(config, "model")),
	                              json_pack("{s:O, s:O}", "query", query, "k", json_object_get(config, "k")));
	if (!answer) {
		json_decref(query);
		return AXON_FAIL;
	}
	json_t *out = json_pack("{s:o, s:O, s:O}", "query", query, "hits", json_object_get(answer, "hits"), "usage",
	                        json_object_get(answer, "usage"));
	json_decref(answer);
	return axon_emit(ctx, "results", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "the data the query refers to, as {{ in.field }}" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "results", "{\"query\", \"hits\": [{\"text\", \"document\", \"source\", \"seq\", \"score\"}], \"usage\"}, best first" },
	{ NULL, NULL },
};

const struct axon_block ai_search_block = {
	.name = "ai.search",
	.version = "1.0.0",
	.title = "Search a knowledge base",
	.description = "Finds the chunks of a knowledge base closest in meaning to a query (cosine similarity of their embeddings), best first, with their documents.",
	.category = "ai",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" AI_PROVIDER_PROPERTIES AI_KB_PROPERTIES
		"\"query\": {\"type\": \"string\", \"format\": \"template\", \"title\": \"Query\", \"description\": \"What to look for, such as {{ in.question }}\", \"default\": \"{{ in }}\"},"
		"\"k\": {\"type\": \"integer\", \"title\": \"How many\", \"description\": \"The number of chunks to give, 1 to 100\", \"default\": 5}},"
		"\"required\": [\"model\", \"kb\"]}",
	.limits = { .wall_ms = 300000 },
	.run = run,
};
