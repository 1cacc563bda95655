#include "ai/provider.h"

#include <string.h>

#include "template_fill.h"

json_t *ai_messages(struct axon_ctx *ctx, const char *system, const char *user, const json_t *inputs)
{
	json_t *messages = json_array(), *text;
	if (system && *system) {
		if (template_fill(ctx, system, inputs, 0, &text) != AXON_OK)
			goto fail;
		json_array_append_new(messages, json_pack("{s:s, s:o}", "role", "system", "content", text));
	}
	if (template_fill(ctx, user ? user : "", inputs, 0, &text) != AXON_OK)
		goto fail;
	json_array_append_new(messages, json_pack("{s:s, s:o}", "role", "user", "content", text));
	return messages;
fail:
	json_decref(messages);
	return NULL;
}

void ai_system_first(json_t *messages, const char *a, const char *b)
{
	json_t *first = json_array_get(messages, 0);
	if (!strcmp(json_string_value(json_object_get(first, "role")), "system")) {
		json_object_set_new(first, "content", json_pack("s+++", a, b, "\n", json_string_value(json_object_get(first, "content"))));
		return;
	}
	json_array_insert_new(messages, 0, json_pack("{s:s, s:s+}", "role", "system", "content", a, b));
}

json_t *ai_request(const json_t *config, json_t *messages)
{
	json_t *req = json_pack("{s:{s:O, s:O*, s:O*}, s:O*, s:o*}", "provider", "protocol", json_object_get(config, "protocol"),
	                        "credential", json_object_get(config, "credential"), "base_url", json_object_get(config, "base_url"),
	                        "model", json_object_get(config, "model"), "messages", messages);
	if (json_object_get(config, "temperature"))
		json_object_set(req, "temperature", json_object_get(config, "temperature"));
	if (json_object_get(config, "max_tokens"))
		json_object_set(req, "max_tokens", json_object_get(config, "max_tokens"));
	return req;
}

json_t *ai_ask(struct axon_ctx *ctx, const json_t *request)
{
	char err[800];
	if (!axon_has(ctx, llm)) {
		axon_fail(ctx, "this Axon is too old for the ai blocks: its host has no llm function (ABI 1.4 or later is needed)");
		return NULL;
	}
	json_t *answer = axon_llm(ctx, request, err, sizeof err);
	if (!answer)
		axon_fail(ctx, "%s", err);
	return answer;
}

json_t *ai_knowledge(struct axon_ctx *ctx, const json_t *config, const char *op, const char *model, json_t *more)
{
	char err[800];
	if (!axon_has(ctx, knowledge)) {
		json_decref(more);
		axon_fail(ctx, "this Axon is too old for knowledge bases: its host has no knowledge function (ABI 1.4 or later is needed)");
		return NULL;
	}
	json_t *req = ai_request(config, NULL);
	json_object_update(req, more);
	json_decref(more);
	json_object_set_new(req, "op", json_string(op));
	json_object_set(req, "kb", json_object_get(config, "kb"));
	json_object_set_new(req, "model", json_string(model));
	json_t *answer = axon_knowledge(ctx, req, err, sizeof err);
	json_decref(req);
	if (!answer)
		axon_fail(ctx, "%s", err);
	return answer;
}

void ai_add_usage(json_t **total, const json_t *answer)
{
	const json_t *usage = json_object_get(answer, "usage");
	if (!*total)
		*total = json_pack("{s:i, s:i, s:O, s:i}", "tokens_in", 0, "tokens_out", 0, "model", json_object_get(answer, "model"),
		                   "duration_ms", 0);
	static const char *const sums[] = { "tokens_in", "tokens_out" };
	for (size_t i = 0; i < 2; i++)
		json_object_set_new(*total, sums[i], json_integer(json_integer_value(json_object_get(*total, sums[i])) +
		                                                  json_integer_value(json_object_get(usage, sums[i]))));
	json_object_set_new(*total, "duration_ms", json_integer(json_integer_value(json_object_get(*total, "duration_ms")) +
	                                                        json_integer_value(json_object_get(answer, "duration_ms"))));
}
