/* ai.embed: texts turned into vectors by an embedding model, for search by
 * meaning (cosine similarity) and knowledge bases. */
#include <stdio.h>

#include "ai/blocks.h"
#include "ai/provider.h"
#include "json_path.h"
#include "shape.h"

#define EMBED_TEXTS_MAX 256

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const char *path = json_string_value(json_object_get(config, "path"));
	const json_t *in = json_object_get(inputs, "in");
	const json_t *texts = in ? jpath_get(in, path) : NULL, *t;
	size_t i;
	if (!json_is_string(texts) && !json_is_array(texts))
		return shape_fail(ctx, "in", path, "a text or a list of texts", texts);
	json_t *list = json_is_string(texts) ? json_pack("[O]", texts) : json_incref((json_t *)texts);
	json_array_foreach(list, i, t) {
		if (!json_is_string(t)) {
			char where[24];
			snprintf(where, sizeof where, "%zu", i);
			json_decref(list);
			return shape_fail(ctx, "in", *path ? path : where, "a text", t);
		}
	}
	if (!json_array_size(list) || json_array_size(list) > EMBED_TEXTS_MAX) {
		size_t n = json_array_size(list);
		json_decref(list);
		return axon_fail(ctx, "%zu texts: give 1 to %d (split a longer list with data.split first)", n, EMBED_TEXTS_MAX);
	}
	json_t *req = ai_request(config, NULL);
	json_object_set_new(req, "embed", list);
	json_t *answer = ai_ask(ctx, req);
	json_decref(req);
	if (!answer)
		return AXON_FAIL;
	json_t *usage = json_deep_copy(json_object_get(answer, "usage"));
	json_object_set(usage, "model", json_object_get(answer, "model"));
	json_t *out = json_pack("{s:O, s:o}", "vectors", json_object_get(answer, "vectors"), "usage", usage);
	json_decref(answer);
	return axon_emit(ctx, "embeddings", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "a text, a list of texts, or an object holding them at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "embeddings", "{\"vectors\": [one list of numbers per text, in order], \"usage\": {\"tokens_in\", \"model\"}}" },
	{ NULL, NULL },
};

const struct axon_block ai_embed_block = {
	.name = "ai.embed",
	.version = "1.0.0",
	.title = "Embed texts",
	.description = "Turns texts into vectors with an embedding model, one vector per text, for search by meaning.",
	.category = "ai",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" AI_PROVIDER_PROPERTIES
		"\"path\": {\"type\": \"string\", \"title\": \"Texts\", \"description\": \"Dotted path of the text or list of texts in the input; empty when the input is the text or the list\", \"default\": \"\"}},"
		"\"required\": [\"model\"]}",
	.limits = { .wall_ms = 300000 },
	.run = run,
};
