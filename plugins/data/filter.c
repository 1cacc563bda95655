/* data.filter: keeps the items of a list for which a comparison holds. */
#include <stdio.h>

#include "compare.h"
#include "data/blocks.h"
#include "data/list.h"
#include "json_path.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *list = data_list(ctx, inputs, config);
	const char *field = json_string_value(json_object_get(config, "field"));
	const char *op = json_string_value(json_object_get(config, "op"));
	const json_t *want = json_object_get(config, "value");
	int loose = json_is_true(json_object_get(config, "loose"));
	if (!list)
		return AXON_FAIL;
	if (compare_needs_value(op) && !want)
		return axon_fail(ctx, "the comparison '%s' needs a \"value\" in the config", op);
	json_t *kept = json_array(), *rejected = json_array();
	size_t i;
	json_t *item;
	json_array_foreach(list, i, item) {
		const json_t *got = jpath_get(item, field);
		enum compare_result r = compare(op, got, want, loose);
		if (r == COMPARE_MISMATCH) {
			char where[300], why[700];
			data_where(where, sizeof where, config, i, field);
			compare_explain(r, op, where, got, want, loose, why, sizeof why);
			json_decref(kept);
			json_decref(rejected);
			return axon_fail(ctx, "%s", why);
		}
		json_array_append(r == COMPARE_TRUE ? kept : rejected, item);
	}
	if (axon_emit(ctx, "out", kept) || axon_emit(ctx, "rejected", rejected))
		return AXON_FAIL;
	return AXON_OK;
}

static const struct axon_port inputs[] = {
	{ "in", "a list, or an object holding one at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "out", "the items for which the comparison holds, in their order" },
	{ "rejected", "the other items" },
	{ NULL, NULL },
};

const struct axon_block data_filter_block = {
	.name = "data.filter",
	.version = "1.0.0",
	.title = "Filter a list",
	.description = "Keeps the items of a list whose field compares as asked, such as total > 100; an item without the field is not kept.",
	.category = "data",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" DATA_LIST_PATH ","
		"\"field\": {\"type\": \"string\", \"title\": \"Field\", \"description\": \"Dotted path in each item, such as customer.country; empty for the item itself\", \"default\": \"\"},"
		"\"op\": {\"type\": \"string\", \"title\": \"Comparison\", \"description\": \"" COMPARE_OPS_HELP "\", \"enum\": " COMPARE_OPS ", \"default\": \"eq\"},"
		"\"value\": {\"title\": \"Value\", \"description\": \"What to compare with, as JSON: 100, \\\"FR\\\", true (not used by exists and truthy)\"},"
		"\"loose\": {\"type\": \"boolean\", \"title\": \"Loose comparison\", \"description\": \"" COMPARE_LOOSE_HELP "\", \"default\": false}}}",
	.run = run,
};
