#include "ai/structured.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/json_check.h"
#include "ai/provider.h"

/* The JSON in a model's text: trimmed, and out of a ``` fence if it is in one. */
static json_t *parse_answer(const char *text, char *err, size_t errlen)
{
	const char *start = text, *end = text + strlen(text);
	while (start < end && isspace((unsigned char)*start))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	if (end - start >= 6 && !strncmp(start, "```", 3) && !strncmp(end - 3, "```", 3)) {
		const char *nl = memchr(start, '\n', (size_t)(end - start));
		if (nl && nl < end - 3) {
			start = nl + 1;
			end -= 3;
		}
	}
	json_error_t e;
	json_t *v = json_loadb(start, (size_t)(end - start), JSON_DECODE_ANY, &e);
	if (!v)
		snprintf(err, errlen, "the answer is not JSON (%s, at character %d)", e.text, e.position);
	return v;
}

json_t *ai_ask_json(struct axon_ctx *ctx, json_t *request, const json_t *schema, const char *mode, int attempts)
{
	char why[800] = "no attempt was made";
	json_t *value = NULL;
	if (!strcmp(mode, "schema"))
		json_object_set(request, "schema", (json_t *)schema);
	else if (!strcmp(mode, "json"))
		json_object_set_new(request, "json", json_true());
	for (int n = 1; n <= attempts && !value; n++) {
		json_t *answer = ai_ask(ctx, request);
		if (!answer) {
			json_decref(request);
			return NULL;
		}
		const char *text = json_string_value(json_object_get(answer, "text"));
		value = parse_answer(text, why, sizeof why);
		if (value && json_check(schema, value, why, sizeof why)) {
			json_decref(value);
			value = NULL;
		}
		if (!value) {
			axon_log(ctx, AXON_LOG_WARN, "attempt %d of %d: %s", n, attempts, why);
			char *schema_text = json_dumps(schema, JSON_COMPACT);
			json_t *messages = json_object_get(request, "messages");
			json_array_append_new(messages, json_pack("{s:s, s:s}", "role", "assistant", "content", text));
			json_array_append_new(messages, json_pack("{s:s, s:s+++}", "role", "user", "content", "That answer cannot be used: ", why,
			                                          ". Answer again with the JSON value only, matching this JSON Schema: ",
			                                          schema_text ? schema_text : "{}"));
			free(schema_text);
		}
		json_decref(answer);
	}
	json_decref(request);
	if (!value)
		axon_fail(ctx, "no answer matched the schema in %d attempt%s; the last: %s", attempts, attempts == 1 ? "" : "s", why);
	return value;
}
