/* data.aggregate: groups the items of a list by a field and computes count,
 * sum, average, min, max or the list of a field's values in each group. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/blocks.h"
#include "data/list.h"
#include "json_path.h"
#include "shape.h"

static const char *const ops[] = { "count", "sum", "average", "min", "max", "list" };

/* The checked aggregations: config "aggregations" with every "as" filled in. */
static json_t *aggregations(struct axon_ctx *ctx, const json_t *config)
{
	const json_t *list = json_object_get(config, "aggregations");
	json_t *out = json_array(), *a;
	size_t i;
	json_array_foreach(list, i, a) {
		const char *field = json_string_value(json_object_get(a, "field"));
		const char *op = json_string_value(json_object_get(a, "op"));
		const json_t *as = json_object_get(a, "as");
		size_t k = 0;
		while (op && k < sizeof ops / sizeof ops[0] && strcmp(op, ops[k]))
			k++;
		if (!json_is_object(a) || !op || k == sizeof ops / sizeof ops[0] || (!field && strcmp(op, "count")) ||
		    (json_object_get(a, "field") && !field) || (as && !json_is_string(as))) {
			axon_fail(ctx, "aggregations.%zu must be {\"op\": one of count, sum, average, min, max, list, "
				  "\"field\": \"a.path\" (optional for count), \"as\": \"name\" (optional)}", i);
			json_decref(out);
			return NULL;
		}
		char name[300];
		if (as)
			snprintf(name, sizeof name, "%s", json_string_value(as));
		else if (field && *field)
			snprintf(name, sizeof name, "%s_%s", op, field);
		else
			snprintf(name, sizeof name, "%s", op);
		json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "op", op, "field", field ? field : "", "as", name));
	}
	return out;
}

/* Folds one item's value into the running result of one aggregation. */
static int fold(struct axon_ctx *ctx, const json_t *config, size_t index, const json_t *agg, json_t *acc, const json_t *item)
{
	const char *op = json_string_value(json_object_get(agg, "op"));
	const char *field = json_string_value(json_object_get(agg, "field"));
	const json_t *v = jpath_get(item, field);
	char where[300];
	if (!v)
		return 0; /* an item without the field is left out */
	json_int_t n = json_integer_value(json_object_get(acc, "n"));
	json_object_set_new(acc, "n", json_integer(n + 1));
	if (!strcmp(op, "count"))
		return 0;
	if (!strcmp(op, "list")) {
		json_array_append(json_object_get(acc, "values"), (json_t *)v);
		return 0;
	}
	data_where(where, sizeof where, config, index, field);
	if (!strcmp(op, "sum") || !strcmp(op, "average")) {
		if (!json_is_number(v))
			return shape_fail(ctx, where, "", "a number", v);
		double sum = json_real_value(json_object_get(acc, "sum")) + json_number_value(v);
		if (!isfinite(sum))
			return axon_fail(ctx, "the sum of '%s' is too large for a number, at %s", field, where);
		json_object_set_new(acc, "sum", json_real(sum));
		return 0;
	}
	const json_t *best = json_object_get(acc, "best");
	if (!json_is_number(v) && !json_is_string(v))
		return shape_fail(ctx, where, "", "a number or a string", v);
	if (best && json_is_number(best) != json_is_number(v))
		return axon_fail(ctx, "%s is %s, but earlier values of '%s' were %s: %s compares numbers with numbers and text "
				 "with text", where, json_is_number(v) ? "a number" : "a string", field,
				 json_is_number(best) ? "numbers" : "strings", op);
	int c = !best ? 0 : json_is_number(v) ? (json_number_value(v) > json_number_value(best)) - (json_number_value(v) < json_number_value(best))
					    : strcmp(json_string_value(v), json_string_value(best));
	if (!best || (!strcmp(op, "min") ? c < 0 : c > 0))
		json_object_set(acc, "best", (json_t *)v);
	return 0;
}

/* A whole number when the sum is one, so that summing 1 and 2 gives 3, not 3.0. */
static json_t *number(double d)
{
	if (d > -9007199254740992.0 && d < 9007199254740992.0 && d == (double)(json_int_t)d)
		return json_integer((json_int_t)d);
	return json_real(d);
}

static json_t *result(const json_t *agg, const json_t *acc)
{
	const char *op = json_string_value(json_object_get(agg, "op"));
	json_int_t n = json_integer_value(json_object_get(acc, "n"));
	double sum = json_real_value(json_object_get(acc, "sum"));
	if (!strcmp(op, "count"))
		return json_integer(n);
	if (!strcmp(op, "sum"))
		return number(sum);
	if (!strcmp(op, "average"))
		return n ? number(sum / (double)n) : json_null();
	if (!strcmp(op, "list"))
		return json_incref(json_object_get(acc, "values"));
	return json_object_get(acc, "best") ? json_incref(json_object_get(acc, "best")) : json_null();
}

static json_t *new_group(const json_t *aggs)
{
	json_t *accs = json_array();
	for (size_t i = 0; i < json_array_size(aggs); i++)
		json_array_append_new(accs, json_pack("{s:I, s:f, s:[]}", "n", (json_int_t)0, "sum", 0.0, "values"));
	return accs;
}

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *list = data_list(ctx, inputs, config);
	const char *group_by = json_string_value(json_object_get(config, "group_by"));
	if (!list)
		return AXON_FAIL;
	json_t *aggs = aggregations(ctx, config);
	if (!aggs)
		return AXON_FAIL;
	/* groups: [{"key": value or absent, "accs": [...]}] in order of first
	 * appearance; index: key's JSON text -> position in groups. */
	json_t *groups = json_array(), *index = json_object();
	int rc = AXON_OK;
	size_t i;
	json_t *item;
	json_array_foreach(list, i, item) {
		const json_t *key = *group_by ? jpath_get(item, group_by) : NULL;
		char *text = key ? json_dumps(key, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : strdup("");
		if (!text) {
			rc = axon_fail(ctx, "out of memory");
			break;
		}
		json_t *at = json_object_get(index, text), *group;
		if (at) {
			group = json_array_get(groups, (size_t)json_integer_value(at));
		} else {
			json_object_set_new(index, text, json_integer((json_int_t)json_array_size(groups)));
			group = json_pack("{s:o}", "accs", new_group(aggs));
			if (key)
				json_object_set(group, "key", (json_t *)key);
			json_array_append_new(groups, group);
		}
		free(text);
		for (size_t k = 0; k < json_array_size(aggs) && rc == AXON_OK; k++)
			if (fold(ctx, config, i, json_array_get(aggs, k), json_array_get(json_object_get(group, "accs"), k), item))
				rc = AXON_FAIL;
		if (rc != AXON_OK)
			break;
	}
	json_t *out = NULL;
	if (rc == AXON_OK) {
		if (!*group_by && json_array_size(groups) == 0)
			json_array_append_new(groups, json_pack("{s:o}", "accs", new_group(aggs)));
		out = json_array();
		json_t *group;
		json_array_foreach(groups, i, group) {
			json_t *row = json_object();
			if (*group_by)
				jpath_set(row, group_by, json_incref(json_object_get(group, "key") ? json_object_get(group, "key") : json_null()));
			for (size_t k = 0; k < json_array_size(aggs); k++) {
				json_t *agg = json_array_get(aggs, k);
				json_object_set_new(row, json_string_value(json_object_get(agg, "as")),
						    result(agg, json_array_get(json_object_get(group, "accs"), k)));
			}
			json_array_append_new(out, row);
		}
		if (!*group_by) {
			json_t *one = json_incref(json_array_get(out, 0));
			json_decref(out);
			out = one;
		}
	}
	json_decref(groups);
	json_decref(index);
	json_decref(aggs);
	if (rc != AXON_OK)
		return rc;
	return axon_emit(ctx, "out", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "a list, or an object holding one at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "out", "with \"group_by\": a list of one object per group, holding the group's value and each result; without: one object of results" },
	{ NULL, NULL },
};

const struct axon_block data_aggregate_block = {
	.name = "data.aggregate",
	.version = "1.0.0",
	.title = "Group and summarise",
	.description = "Groups a list by a field and computes, per group, the count, sum, average, minimum, maximum or list of fields.",
	.category = "data",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" DATA_LIST_PATH ","
		"\"group_by\": {\"type\": \"string\", \"title\": \"Group by\", \"description\": \"Dotted path in each item, such as customer.country; empty for one group of every item. Items without it form the group null\", \"default\": \"\"},"
		"\"aggregations\": {\"type\": \"array\", \"title\": \"Results\", \"description\": \"A list of {\\\"op\\\": count, sum, average, min, max or list, \\\"field\\\": \\\"price\\\", \\\"as\\\": \\\"total\\\"}. Items without the field are left out of it; as defaults to OP_FIELD (count without field: every item)\", \"default\": [{\"op\": \"count\"}]}}}",
	.run = run,
};
