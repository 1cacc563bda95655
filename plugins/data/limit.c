/* data.limit: the first or last items of a list. */
#include <string.h>

#include "data/blocks.h"
#include "data/list.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *list = data_list(ctx, inputs, config);
	json_int_t count = json_integer_value(json_object_get(config, "count"));
	json_int_t skip = json_integer_value(json_object_get(config, "skip"));
	int from_end = !strcmp(json_string_value(json_object_get(config, "from")), "end");
	if (!list)
		return AXON_FAIL;
	if (count < 0 || skip < 0)
		return axon_fail(ctx, "\"count\" and \"skip\" must be 0 or more (they are %lld and %lld)", (long long)count,
				 (long long)skip);
	size_t n = json_array_size(list);
	size_t start = (size_t)skip < n ? (size_t)skip : n;
	size_t take = (size_t)count < n - start ? (size_t)count : n - start;
	if (from_end)
		start = n - start - take;
	json_t *out = json_array();
	for (size_t i = start; i < start + take; i++)
		json_array_append(out, json_array_get(list, i));
	return axon_emit(ctx, "out", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "a list, or an object holding one at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "out", "at most \"count\" items, in their order" },
	{ NULL, NULL },
};

const struct axon_block data_limit_block = {
	.name = "data.limit",
	.version = "1.0.0",
	.title = "Limit a list",
	.description = "Keeps the first (or last) items of a list, after skipping some: a page of results, the top ten.",
	.category = "data",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" DATA_LIST_PATH ","
		"\"count\": {\"type\": \"integer\", \"title\": \"How many\", \"description\": \"The most items to keep\", \"default\": 10},"
		"\"skip\": {\"type\": \"integer\", \"title\": \"Skip\", \"description\": \"Items to pass over first (from the same end)\", \"default\": 0},"
		"\"from\": {\"type\": \"string\", \"title\": \"From\", \"description\": \"start: the first items; end: the last ones, still in their order\", \"enum\": [\"start\", \"end\"], \"default\": \"start\"}}}",
	.run = run,
};
