/* ai.extract: structured data out of a text, into the JSON Schema of the
 * config; the answer is checked, and asked again with the reason when it is
 * not JSON or misses the schema. */
#include <stdlib.h>

#include "ai/blocks.h"
#include "ai/provider.h"
#include "ai/structured.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *schema = json_object_get(config, "schema");
	json_int_t attempts = json_integer_value(json_object_get(config, "attempts"));
	if (attempts < 1 || attempts > AI_ATTEMPTS_MAX)
		return axon_fail(ctx, "attempts must be between 1 and %d", AI_ATTEMPTS_MAX);
	json_t *messages = ai_messages(ctx, json_string_value(json_object_get(config, "instructions")),
	                               json_string_value(json_object_get(config, "prompt")), inputs);
	if (!messages)
		return AXON_FAIL;
	char *schema_text = json_dumps(schema, JSON_COMPACT);
	ai_system_first(messages, "Extract the data the user asks for from their text. Answer with one JSON value only, "
	                "no prose, matching this JSON Schema: ", schema_text ? schema_text : "{}");
	free(schema_text);
	json_t *data = ai_ask_json(ctx, ai_request(config, messages), schema, json_string_value(json_object_get(config, "json_mode")),
	                           (int)attempts);
	if (!data)
		return AXON_FAIL;
	return axon_emit(ctx, "data", data) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "the data the prompt refers to, as {{ in.field }}" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "data", "the extracted value, valid against the schema" },
	{ NULL, NULL },
};

const struct axon_block ai_extract_block = {
	.name = "ai.extract",
	.version = "1.0.0",
	.title = "Extract structured data",
	.description = "Asks a language model for JSON that matches a JSON Schema, checks the answer, and asks again with the reason when it does not match; the output always matches the schema.",
	.category = "ai",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" AI_PROVIDER_PROPERTIES AI_GENERATION_PROPERTIES
		"\"prompt\": {\"type\": \"string\", \"format\": \"template\", \"title\": \"Text to extract from\", \"description\": \"Such as: Make five flashcards from this chapter: {{ in.text }}\"},"
		"\"schema\": {\"type\": \"object\", \"title\": \"JSON Schema of the answer\", \"description\": \"Such as {\\\"type\\\": \\\"object\\\", \\\"properties\\\": {\\\"title\\\": {\\\"type\\\": \\\"string\\\"}}, \\\"required\\\": [\\\"title\\\"]}; checked: type, enum, properties, required, additionalProperties, items, minItems, maxItems, minimum, maximum, minLength, maxLength\"},"
		"\"instructions\": {\"type\": \"string\", \"format\": \"template\", \"title\": \"Instructions\", \"description\": \"Added to the system prompt, such as: Write the answers in French\", \"default\": \"\"},"
		"\"json_mode\": {\"type\": \"string\", \"title\": \"How the model is held to JSON\", \"description\": \"schema: the provider's structured output; json: its JSON mode, for servers without structured output; none: the prompt alone\", \"enum\": [\"schema\", \"json\", \"none\"], \"default\": \"schema\"},"
		"\"attempts\": {\"type\": \"integer\", \"title\": \"Attempts\", \"description\": \"How many times the model is asked, at most 5, before the step fails with the last reason\", \"default\": 3}},"
		"\"required\": [\"prompt\", \"schema\"]}",
	.limits = { .wall_ms = 300000 },
	.run = run,
};
