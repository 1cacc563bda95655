/* data.join: items (what a for_each block emitted, one per element) back
 * into one list. */
#include "data/blocks.h"
#include "data/list.h"
#include "json_path.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *list = data_list(ctx, inputs, config);
	const char *field = json_string_value(json_object_get(config, "field"));
	const char *as = json_string_value(json_object_get(config, "as"));
	int keep_null = json_is_true(json_object_get(config, "keep_null"));
	int flatten = json_is_true(json_object_get(config, "flatten"));
	if (!list)
		return AXON_FAIL;
	json_t *out = json_array(), *item;
	size_t i;
	json_array_foreach(list, i, item) {
		json_t *v = jpath_get(item, field);
		if (!v || (json_is_null(v) && !keep_null))
			continue;
		if (flatten && json_is_array(v))
			json_array_extend(out, v);
		else
			json_array_append(out, v);
	}
	if (*as) {
		json_t *wrapped = json_object();
		json_object_set_new(wrapped, as, out);
		out = wrapped;
	}
	return axon_emit(ctx, "out", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "a list of items, such as a for_each block's output" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "out", "one list (or {\"as\": list})" },
	{ NULL, NULL },
};

const struct axon_block data_join_block = {
	.name = "data.join",
	.version = "1.0.0",
	.title = "Join items into a list",
	.description = "Gathers items, such as what a for_each block emitted for each element, into one list: a field of each, without the empty ones, lists flattened if asked.",
	.category = "data",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" DATA_LIST_PATH ","
		"\"field\": {\"type\": \"string\", \"title\": \"Field\", \"description\": \"Dotted path in each item to take, such as body.name; empty for the whole item. Items without it are left out\", \"default\": \"\"},"
		"\"keep_null\": {\"type\": \"boolean\", \"title\": \"Keep nulls\", \"description\": \"A for_each block's output holds null where an element emitted nothing; they are left out unless this is set\", \"default\": false},"
		"\"flatten\": {\"type\": \"boolean\", \"title\": \"Flatten lists\", \"description\": \"Put the elements of a list in the result, not the list itself\", \"default\": false},"
		"\"as\": {\"type\": \"string\", \"title\": \"Wrap as\", \"description\": \"A field name: the result becomes {\\\"NAME\\\": list}; empty for the list itself\", \"default\": \"\"}}}",
	.run = run,
};
