/* flow.if: sends its input on "true" or "false" after a comparison. */
#include <axon/block.h>
#include <string.h>

#include "json_path.h"

static int truthy(const json_t *v)
{
	if (!v || json_is_null(v) || json_is_false(v))
		return 0;
	if (json_is_number(v))
		return json_number_value(v) != 0;
	if (json_is_string(v))
		return json_string_length(v) != 0;
	if (json_is_array(v))
		return json_array_size(v) != 0;
	if (json_is_object(v))
		return json_object_size(v) != 0;
	return 1;
}

/* -2 when a and b cannot be ordered. */
static int order(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b)) {
		double x = json_number_value(a), y = json_number_value(b);
		return x < y ? -1 : x > y;
	}
	if (json_is_string(a) && json_is_string(b)) {
		int c = strcmp(json_string_value(a), json_string_value(b));
		return c < 0 ? -1 : c > 0;
	}
	return -2;
}

static int contains(const json_t *hay, const json_t *needle)
{
	size_t i;
	json_t *v;
	if (json_is_string(hay) && json_is_string(needle))
		return strstr(json_string_value(hay), json_string_value(needle)) != NULL;
	json_array_foreach(hay, i, v)
		if (json_equal(v, needle))
			return 1;
	return json_is_object(hay) && json_is_string(needle) && json_object_get(hay, json_string_value(needle));
}

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *in = json_object_get(inputs, "in");
	const char *path = json_string_value(json_object_get(config, "path"));
	const char *op = json_string_value(json_object_get(config, "op"));
	const json_t *want = json_object_get(config, "value");
	const json_t *got = in ? jpath_get(in, path) : NULL;
	int result;
	if (!strcmp(op, "exists"))
		result = got != NULL;
	else if (!strcmp(op, "truthy"))
		result = truthy(got);
	else if (!want)
		return axon_fail(ctx, "the comparison '%s' needs a \"value\" in the config", op);
	else if (!strcmp(op, "eq") || !strcmp(op, "ne"))
		result = (got && json_equal(got, want)) == !strcmp(op, "eq");
	else if (!strcmp(op, "contains"))
		result = got && contains(got, want);
	else {
		int c = order(got, want);
		if (c == -2)
			return axon_fail(ctx, "'%s' compares two numbers or two strings; the value at '%s' and the config's value are not", op, path);
		result = !strcmp(op, "lt") ? c < 0 : !strcmp(op, "le") ? c <= 0 : !strcmp(op, "gt") ? c > 0 : c >= 0;
	}
	return axon_emit(ctx, result ? "true" : "false", in ? json_deep_copy(in) : json_null()) == 0 ? AXON_OK : AXON_FAIL;
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

static const struct axon_block blocks[] = { {
	.name = "flow.if",
	.version = "1.0.0",
	.title = "If",
	.description = "Compares the value at a path of the input with a value and sends the input on \"true\" or \"false\".",
	.category = "flow",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"path\": {\"type\": \"string\", \"title\": \"Path\", \"description\": \"dotted path in the input; empty for the whole input\", \"default\": \"\"},"
		"\"op\": {\"type\": \"string\", \"title\": \"Comparison\", \"enum\": [\"eq\", \"ne\", \"lt\", \"le\", \"gt\", \"ge\", \"contains\", \"exists\", \"truthy\"], \"default\": \"eq\"},"
		"\"value\": {\"title\": \"Value\", \"description\": \"what to compare with (not used by exists and truthy)\"}}}",
	.run = run,
} };

AXON_PLUGIN("flow", blocks)
