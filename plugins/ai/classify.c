/* ai.classify: an input into one of the configured categories, with the
 * model's confidence and reason; it goes on the port of its category, so a
 * workflow branches as with flow.switch. A block's ports are fixed when it is
 * built, so the outputs are case1 to case8, in the order of the categories. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/blocks.h"
#include "ai/provider.h"
#include "ai/structured.h"

#define CATEGORIES_MAX 8

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *categories = json_object_get(config, "categories"), *c;
	size_t n = json_array_size(categories), i;
	if (n < 2 || n > CATEGORIES_MAX)
		return axon_fail(ctx, "%zu categories: give between 2 and %d (the outputs are case1 to case%d)", n, CATEGORIES_MAX, CATEGORIES_MAX);
	json_array_foreach(categories, i, c) {
		if (!json_is_string(c) || !json_string_length(c))
			return axon_fail(ctx, "categories[%zu] must be a name (a non-empty string)", i);
	}
	json_int_t attempts = json_integer_value(json_object_get(config, "attempts"));
	if (attempts < 1 || attempts > AI_ATTEMPTS_MAX)
		return axon_fail(ctx, "attempts must be between 1 and %d", AI_ATTEMPTS_MAX);
	json_t *names = json_string("");
	json_array_foreach(categories, i, c) {
		json_t *longer = json_pack("s++", json_string_value(names), i ? ", " : "", json_string_value(c));
		json_decref(names);
		names = longer;
	}
	json_t *schema = json_pack("{s:s, s:{s:{s:s, s:O}, s:{s:s, s:i, s:i}, s:{s:s}}, s:[s, s, s]}", "type", "object",
	                           "properties", "category", "type", "string", "enum", categories,
	                           "confidence", "type", "number", "minimum", 0, "maximum", 1, "reason", "type", "string",
	                           "required", "category", "confidence", "reason");
	json_t *messages = ai_messages(ctx, json_string_value(json_object_get(config, "instructions")),
	                               json_string_value(json_object_get(config, "prompt")), inputs);
	if (messages)
		ai_system_first(messages, "Classify the user's message into exactly one category. Answer with JSON only: "
		                "{\"category\": one of the categories, \"confidence\": from 0 to 1, \"reason\": one short sentence}. "
		                "Categories: ", json_string_value(names));
	json_decref(names);
	json_t *verdict = messages ? ai_ask_json(ctx, ai_request(config, messages), schema, json_string_value(json_object_get(config, "json_mode")),
	                                         (int)attempts) : NULL;
	json_decref(schema);
	if (!verdict)
		return AXON_FAIL;
	const char *chosen = json_string_value(json_object_get(verdict, "category"));
	size_t at = 0;
	json_array_foreach(categories, i, c)
		if (!strcmp(json_string_value(c), chosen))
			at = i;
	char port[16];
	snprintf(port, sizeof port, "case%zu", at + 1);
	axon_log(ctx, AXON_LOG_INFO, "%s (confidence %.2f): the input goes on %s", chosen,
	         json_number_value(json_object_get(verdict, "confidence")), port);
	const json_t *in = json_object_get(inputs, "in");
	json_object_set_new(verdict, "in", in ? json_deep_copy(in) : json_null());
	return axon_emit(ctx, port, verdict) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "the data the prompt refers to, as {{ in.field }}" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "case1", "{\"category\", \"confidence\", \"reason\", \"in\"} when the first category is chosen" },
	{ "case2", "... the second" },
	{ "case3", "... the third" },
	{ "case4", "... the fourth" },
	{ "case5", "... the fifth" },
	{ "case6", "... the sixth" },
	{ "case7", "... the seventh" },
	{ "case8", "... the eighth" },
	{ NULL, NULL },
};

const struct axon_block ai_classify_block = {
	.name = "ai.classify",
	.version = "1.0.0",
	.title = "Classify with a language model",
	.description = "Puts the input into one of up to eight categories, with a confidence and a reason, and sends it on the output of that category (case1 for the first), to branch like flow.switch.",
	.category = "ai",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" AI_PROVIDER_PROPERTIES AI_GENERATION_PROPERTIES
		"\"categories\": {\"type\": \"array\", \"title\": \"Categories\", \"description\": \"2 to 8 names, such as [\\\"question\\\", \\\"complaint\\\", \\\"other\\\"]: the first goes out on case1, the second on case2...\"},"
		"\"prompt\": {\"type\": \"string\", \"format\": \"template\", \"title\": \"What to classify\", \"description\": \"Such as: {{ in.subject }}\\n{{ in.text }}\", \"default\": \"{{ in }}\"},"
		"\"instructions\": {\"type\": \"string\", \"format\": \"template\", \"title\": \"Instructions\", \"description\": \"What each category means, added to the system prompt\", \"default\": \"\"},"
		"\"json_mode\": {\"type\": \"string\", \"title\": \"How the model is held to JSON\", \"description\": \"schema: the provider's structured output; json: its JSON mode; none: the prompt alone\", \"enum\": [\"schema\", \"json\", \"none\"], \"default\": \"schema\"},"
		"\"attempts\": {\"type\": \"integer\", \"title\": \"Attempts\", \"description\": \"How many times the model is asked, at most 5, before the step fails\", \"default\": 3}},"
		"\"required\": [\"categories\"]}",
	.limits = { .wall_ms = 300000 },
	.run = run,
};
