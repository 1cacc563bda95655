/* flow.switch: sends its input on the port of the first rule that holds
 * (or of every one), or on "fallback". A block's ports are fixed when it is
 * built, so the N outputs are case1 to case8, in the order of the rules;
 * a rule's label names it in the log and in the editor. */
#include <stdio.h>
#include <string.h>

#include "compare.h"
#include "flow/blocks.h"
#include "json_path.h"
#include "shape.h"

#define SWITCH_CASES 8

static const char *const known_ops[] = { "eq", "ne", "lt", "le", "gt", "ge", "contains", "exists", "truthy", NULL };

static int valid_op(const char *op)
{
	for (size_t i = 0; op && known_ops[i]; i++)
		if (!strcmp(op, known_ops[i]))
			return 1;
	return 0;
}

/* Checks rule i; fails the run when it is not one. */
static int check_rule(struct axon_ctx *ctx, size_t i, const json_t *rule)
{
	const char *op = json_string_value(json_object_get(rule, "op"));
	const json_t *path = json_object_get(rule, "path"), *label = json_object_get(rule, "label");
	char index[24];
	snprintf(index, sizeof index, "%zu", i);
	if (!json_is_object(rule))
		return shape_fail(ctx, "rules", index, "an object {\"op\", \"value\", \"path\", \"label\"}", rule);
	if (!valid_op(op))
		return axon_fail(ctx, "rules.%zu.op must be one of eq, ne, lt, le, gt, ge, contains, exists, truthy", i);
	if (compare_needs_value(op) && !json_object_get(rule, "value"))
		return axon_fail(ctx, "rules.%zu: the comparison '%s' needs a \"value\"", i, op);
	if ((path && !json_is_string(path)) || (label && !json_is_string(label)))
		return axon_fail(ctx, "rules.%zu: \"path\" and \"label\" must be strings", i);
	return 0;
}

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *in = json_object_get(inputs, "in");
	const json_t *rules = json_object_get(config, "rules");
	const char *default_path = json_string_value(json_object_get(config, "path"));
	int every = !strcmp(json_string_value(json_object_get(config, "mode")), "all");
	int loose = json_is_true(json_object_get(config, "loose"));
	size_t n = json_array_size(rules), i;
	json_t *rule;
	if (n > SWITCH_CASES)
		return axon_fail(ctx, "%zu rules, but flow.switch has %d outputs (case1 to case%d): chain a second flow.switch on \"fallback\" for more",
				 n, SWITCH_CASES, SWITCH_CASES);
	json_array_foreach(rules, i, rule)
		if (check_rule(ctx, i, rule))
			return AXON_FAIL;
	int matched = 0;
	json_array_foreach(rules, i, rule) {
		const char *op = json_string_value(json_object_get(rule, "op"));
		const char *path = json_string_value(json_object_get(rule, "path"));
		const char *label = json_string_value(json_object_get(rule, "label"));
		const json_t *want = json_object_get(rule, "value");
		if (!path)
			path = default_path;
		const json_t *got = in ? jpath_get(in, path) : NULL;
		enum compare_result r = compare(op, got, want, loose);
		if (r == COMPARE_MISMATCH) {
			char where[300], why[700];
			snprintf(where, sizeof where, "in%s%s", *path ? "." : "", path);
			compare_explain(r, op, where, got, want, loose, why, sizeof why);
			return axon_fail(ctx, "rule %zu: %s", i + 1, why);
		}
		if (r != COMPARE_TRUE)
			continue;
		char port[32];
		snprintf(port, sizeof port, "case%zu", i + 1);
		axon_log(ctx, AXON_LOG_INFO, "rule %zu%s%s%s holds: the input goes on %s", i + 1, label ? " (" : "", label ? label : "",
			 label ? ")" : "", port);
		if (axon_emit(ctx, port, in ? json_deep_copy(in) : json_null()))
			return AXON_FAIL;
		matched = 1;
		if (!every)
			break;
	}
	if (matched)
		return AXON_OK;
	axon_log(ctx, AXON_LOG_INFO, "no rule holds: the input goes on fallback");
	return axon_emit(ctx, "fallback", in ? json_deep_copy(in) : json_null()) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "the value to route, passed on unchanged" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "case1", "the input, when rule 1 holds" },
	{ "case2", "the input, when rule 2 holds" },
	{ "case3", "the input, when rule 3 holds" },
	{ "case4", "the input, when rule 4 holds" },
	{ "case5", "the input, when rule 5 holds" },
	{ "case6", "the input, when rule 6 holds" },
	{ "case7", "the input, when rule 7 holds" },
	{ "case8", "the input, when rule 8 holds" },
	{ "fallback", "the input, when no rule holds" },
	{ NULL, NULL },
};

const struct axon_block flow_switch_block = {
	.name = "flow.switch",
	.version = "1.0.0",
	.title = "Switch",
	.description = "Routes its input to the output of the first rule that holds (case1 for rule 1, up to case8), or to fallback; a rule compares a field with a value.",
	.category = "flow",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"path\": {\"type\": \"string\", \"title\": \"Path\", \"description\": \"Dotted path in the input that the rules compare, such as order.status; a rule may name its own\", \"default\": \"\"},"
		"\"rules\": {\"type\": \"array\", \"title\": \"Rules\", \"description\": \"Up to 8, in order; rule N sends the input on caseN. Each is {\\\"op\\\": eq, ne, lt, le, gt, ge, contains, exists or truthy, \\\"value\\\": what to compare with, \\\"label\\\": a name for people, \\\"path\\\": its own path}; a missing field makes a rule not hold\", \"default\": []},"
		"\"mode\": {\"type\": \"string\", \"title\": \"Which rules\", \"description\": \"first: only the first rule that holds; all: every rule that holds\", \"enum\": [\"first\", \"all\"], \"default\": \"first\"},"
		"\"loose\": {\"type\": \"boolean\", \"title\": \"Loose comparison\", \"description\": \"" COMPARE_LOOSE_HELP "\", \"default\": false}}}",
	.run = run,
};
