/* data.dedupe: one item per distinct value of a field. Values are told
 * apart by their JSON text with sorted keys, kept in a jansson object used
 * as a set, so a long list costs no more than a pass. */
#include <stdlib.h>
#include <string.h>

#include "data/blocks.h"
#include "data/list.h"
#include "json_path.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *list = data_list(ctx, inputs, config);
	const char *by = json_string_value(json_object_get(config, "by"));
	int keep_last = !strcmp(json_string_value(json_object_get(config, "keep")), "last");
	if (!list)
		return AXON_FAIL;
	size_t n = json_array_size(list);
	json_t *seen = json_object(); /* key text -> position in out */
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *item = json_array_get(list, i);
		const json_t *key = jpath_get(item, by);
		char *text = key ? json_dumps(key, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : strdup("");
		if (!text) {
			json_decref(seen);
			json_decref(out);
			return axon_fail(ctx, "out of memory");
		}
		/* A missing field is its own value, told apart from null by the
		 * empty text no JSON value has. */
		json_t *at = json_object_get(seen, text);
		if (!at) {
			json_object_set_new(seen, text, json_integer((json_int_t)json_array_size(out)));
			json_array_append(out, item);
		} else if (keep_last) {
			json_array_set(out, (size_t)json_integer_value(at), item);
		}
		free(text);
	}
	json_decref(seen);
	return axon_emit(ctx, "out", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "a list, or an object holding one at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "out", "the list with one item per distinct value, in the order each value first appeared" },
	{ NULL, NULL },
};

const struct axon_block data_dedupe_block = {
	.name = "data.dedupe",
	.version = "1.0.0",
	.title = "Remove duplicates",
	.description = "Keeps one item per distinct value of a field (or per distinct item), the first or the last one seen.",
	.category = "data",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" DATA_LIST_PATH ","
		"\"by\": {\"type\": \"string\", \"title\": \"Compare by\", \"description\": \"Dotted path in each item, such as email; empty to compare whole items. Values are equal when their JSON is (1 and 1.0 differ; key order does not matter)\", \"default\": \"\"},"
		"\"keep\": {\"type\": \"string\", \"title\": \"Keep\", \"description\": \"first: the first item with a value; last: the last one, in the place of the first\", \"enum\": [\"first\", \"last\"], \"default\": \"first\"}}}",
	.run = run,
};
