/* flow.if: sends its input on "true" or "false" after a comparison. */
#include <stdio.h>

#include "compare.h"
#include "flow/blocks.h"
#include "json_path.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *in = json_object_get(inputs, "in");
	const char *path = json_string_value(json_object_get(config, "path"));
	const char *op = json_string_value(json_object_get(config, "op"));
	const json_t *want = json_object_get(config, "value");
	int loose = json_is_true(json_object_get(config, "loose"));
	if (compare_needs_value(op) && !want)
		return axon_fail(ctx, "the comparison '%s' needs a \"value\" in the config", op);
	const json_t *got = in ? jpath_get(in, path) : NULL;
	enum compare_result r = compare(op, got, want, loose);
	if (r == COMPARE_MISSING || r == COMPARE_MISMATCH) {
		char where[300], why[700];
		snprintf(where, sizeof where, "in%s%s", *path ? "." : "", path);
		compare_explain(r, op, where, got, want, loose, why, sizeof why);
		return axon_fail(ctx, "%s", why);
	}
	return axon_emit(ctx, r == COMPARE_TRUE ? "true" : "false", in ? json_deep_copy(in) : json_null()) == 0 ? AXON_OK
														: AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "the value to test, passed on unchanged" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "true", "the input, when the comparison holds" },
	{ "false", "the input, when it does not" },
	{ NULL, NULL },
};

const struct axon_block flow_if_block = {
	.name = "flow.if",
	.version = "1.1.0",
	.title = "If",
	.description = "Compares the value at a path of the input with a value and sends the input on \"true\" or \"false\".",
	.category = "flow",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"path\": {\"type\": \"string\", \"title\": \"Path\", \"description\": \"Dotted path in the input, such as order.total or items.0.id; empty for the whole input\", \"default\": \"\"},"
		"\"op\": {\"type\": \"string\", \"title\": \"Comparison\", \"description\": \"" COMPARE_OPS_HELP "\", \"enum\": " COMPARE_OPS ", \"default\": \"eq\"},"
		"\"value\": {\"title\": \"Value\", \"description\": \"What to compare with, as JSON: 25, \\\"paid\\\", true (not used by exists and truthy)\"},"
		"\"loose\": {\"type\": \"boolean\", \"title\": \"Loose comparison\", \"description\": \"" COMPARE_LOOSE_HELP "\", \"default\": false}}}",
	.run = run,
};
