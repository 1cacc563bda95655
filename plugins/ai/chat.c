/* ai.chat: a system and a user prompt, filled from the input, with images
 * for a vision model, answered by a language model; the answer's text shows
 * as the block's progress while it is written. */
#include "ai/blocks.h"
#include "ai/provider.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	json_t *messages = ai_messages(ctx, json_string_value(json_object_get(config, "system")),
	                               json_string_value(json_object_get(config, "prompt")), inputs);
	if (!messages)
		return AXON_FAIL;
	const json_t *images = json_object_get(config, "images"), *img;
	size_t i;
	json_array_foreach(images, i, img) {
		if (!json_is_string(img)) {
			json_decref(messages);
			return axon_fail(ctx, "images.%zu must be an image's address, a data: URL or base64 text", i);
		}
	}
	if (json_array_size(images))
		json_object_set(json_array_get(messages, json_array_size(messages) - 1), "images", (json_t *)images);
	json_t *req = ai_request(config, messages);
	json_t *answer = ai_ask(ctx, req), *usage = NULL;
	json_decref(req);
	if (!answer)
		return AXON_FAIL;
	ai_add_usage(&usage, answer);
	json_t *out = json_pack("{s:O, s:o, s:O}", "text", json_object_get(answer, "text"), "usage", usage,
	                        "finish_reason", json_object_get(answer, "finish_reason"));
	json_decref(answer);
	return axon_emit(ctx, "answer", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "the data the prompts refer to, as {{ in.field }}" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "answer", "{\"text\", \"usage\": {\"tokens_in\", \"tokens_out\", \"model\", \"duration_ms\"}, \"finish_reason\"}" },
	{ NULL, NULL },
};

const struct axon_block ai_chat_block = {
	.name = "ai.chat",
	.version = "1.0.0",
	.title = "Ask a language model",
	.description = "Sends a system and a user prompt, filled from the input, to a language model and outputs its answer and the tokens it used; the answer shows on the run page while it is written.",
	.category = "ai",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" AI_PROVIDER_PROPERTIES AI_GENERATION_PROPERTIES
		"\"system\": {\"type\": \"string\", \"format\": \"template\", \"title\": \"System prompt\", \"description\": \"Who the model is and how it answers, such as: You summarise course material for students. {{ in.field }} placeholders are filled from the input\", \"default\": \"\"},"
		"\"prompt\": {\"type\": \"string\", \"format\": \"template\", \"title\": \"Prompt\", \"description\": \"What to ask, such as: Summarise in five bullet points: {{ in.text }}\"},"
		"\"images\": {\"type\": \"array\", \"title\": \"Images\", \"description\": \"For a vision model: addresses (https://...; not with ollama), data: URLs or base64 text, sent with the prompt; {{ fetch.response.body.base64 }} gives an image that a block fetch got\", \"default\": []}},"
		"\"required\": [\"prompt\"]}",
	.limits = { .wall_ms = 300000 },
	.run = run,
};
