/* ai.classify: an input into one of the configured categories, with the
 * model's confidence and reason; it goes on the output port named by its
 * category, so a workflow branches as with flow.switch. The categories
 * property says "format": "ports": each name is an output of the block (the
 * engine, the broker and the editor read them from the config). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/blocks.h"
#include "ai/provider.h"
#include "ai/structured.h"

#define CATEGORIES_MAX 16

/* A category's name is its port's: a to z, 0 to 9 and _, at most 63. */
static int port_name(const json_t *c)
{
	const char *s = json_string_value(c);
	if (!s || !*s || json_string_length(c) > 63)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *categories = json_object_get(config, "categories"), *c, *d;
	size_t n = json_array_size(categories), i, j;
	if (n < 2 || n > CATEGORIES_MAX)
		return axon_fail(ctx, "%zu categories: give between 2 and %d", n, CATEGORIES_MAX);
	json_array_foreach(categories, i, c) {
		if (!port_name(c))
			return axon_fail(ctx, "categories[%zu] must be a name of lower-case letters, digits and _ (at most 63), "
			                 "such as \"question\" or \"needs_reply\": it names the output the input goes on", i);
		json_array_foreach(categories, j, d)
			if (j < i && json_equal(c, d))
				return axon_fail(ctx, "the category %s is named twice", json_string_value(c));
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
	/* The schema's enum held the answer to one of the categories. */
	char port[64];
	snprintf(port, sizeof port, "%s", json_string_value(json_object_get(verdict, "category")));
	axon_log(ctx, AXON_LOG_INFO, "%s (confidence %.2f): the input goes on the output %s", port,
	         json_number_value(json_object_get(verdict, "confidence")), port);
	const json_t *in = json_object_get(inputs, "in");
	json_object_set_new(verdict, "in", in ? json_deep_copy(in) : json_null());
	return axon_emit(ctx, port, verdict) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "the data the prompt refers to, as {{ in.field }}" },
	{ NULL, NULL },
};
/* The outputs are the categories (config_schema's "format": "ports"). */
static const struct axon_port outputs[] = {
	{ NULL, NULL },
};

const struct axon_block ai_classify_block = {
	.name = "ai.classify",
	.version = "1.0.0",
	.title = "Classify with a language model",
	.description = "Puts the input into one of up to sixteen categories, with a confidence and a reason, and sends {\"category\", \"confidence\", \"reason\", \"in\"} on the output named by that category, to branch like flow.switch.",
	.category = "ai",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" AI_PROVIDER_PROPERTIES AI_GENERATION_PROPERTIES
		"\"categories\": {\"type\": \"array\", \"format\": \"ports\", \"title\": \"Categories\", \"description\": \"2 to 16 names of lower-case letters, digits and _, such as [\\\"question\\\", \\\"complaint\\\", \\\"other\\\"]: each is an output of the block, which the input goes on when it is in that category\"},"
		"\"prompt\": {\"type\": \"string\", \"format\": \"template\", \"title\": \"What to classify\", \"description\": \"Such as: {{ in.subject }}\\n{{ in.text }}\", \"default\": \"{{ in }}\"},"
		"\"instructions\": {\"type\": \"string\", \"format\": \"template\", \"title\": \"Instructions\", \"description\": \"What each category means, added to the system prompt\", \"default\": \"\"},"
		"\"json_mode\": {\"type\": \"string\", \"title\": \"How the model is held to JSON\", \"description\": \"schema: the provider's structured output; json: its JSON mode; none: the prompt alone\", \"enum\": [\"schema\", \"json\", \"none\"], \"default\": \"schema\"},"
		"\"attempts\": {\"type\": \"integer\", \"title\": \"Attempts\", \"description\": \"How many times the model is asked, at most 5, before the step fails\", \"default\": 3}},"
		"\"required\": [\"categories\"]}",
	.limits = { .wall_ms = 300000 },
	.run = run,
};
