/* data.sort: sorts a list by a field of its items, keeping the order of
 * equal items (a stable sort). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "data/blocks.h"
#include "data/list.h"
#include "json_path.h"

struct entry {
	json_t *item;
	const json_t *key; /* NULL: the item has no such field */
	size_t index;
};

/* Values of different kinds sort by kind: null, false, true, numbers,
 * strings, lists, objects; a missing field sorts after all of them. */
static int rank(const json_t *v)
{
	switch (v ? json_typeof(v) : (json_type)-1) {
	case JSON_NULL: return 0;
	case JSON_FALSE: return 1;
	case JSON_TRUE: return 2;
	case JSON_INTEGER:
	case JSON_REAL: return 3;
	case JSON_STRING: return 4;
	case JSON_ARRAY: return 5;
	case JSON_OBJECT: return 6;
	default: return 7;
	}
}

static int compare_keys(const json_t *a, const json_t *b, int ignore_case)
{
	int ra = rank(a), rb = rank(b);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (ra == 3) {
		double x = json_number_value(a), y = json_number_value(b);
		return x < y ? -1 : x > y;
	}
	if (ra == 4)
		return ignore_case ? strcasecmp(json_string_value(a), json_string_value(b))
				   : strcmp(json_string_value(a), json_string_value(b));
	if (ra == 5)
		return json_array_size(a) < json_array_size(b) ? -1 : json_array_size(a) > json_array_size(b);
	return 0;
}

struct how {
	int descending, ignore_case;
};

static int by_key(const void *pa, const void *pb, void *arg)
{
	const struct entry *a = pa, *b = pb;
	const struct how *how = arg;
	int c = compare_keys(a->key, b->key, how->ignore_case);
	/* A missing field stays last either way. */
	if (how->descending && a->key && b->key)
		c = -c;
	return c ? c : a->index < b->index ? -1 : 1;
}

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *list = data_list(ctx, inputs, config);
	const char *by = json_string_value(json_object_get(config, "by"));
	if (!list)
		return AXON_FAIL;
	size_t n = json_array_size(list);
	struct entry *e = calloc(n ? n : 1, sizeof *e);
	if (!e)
		return axon_fail(ctx, "out of memory sorting %zu items", n);
	for (size_t i = 0; i < n; i++) {
		e[i].item = json_array_get(list, i);
		e[i].key = jpath_get(e[i].item, by);
		e[i].index = i;
	}
	struct how how = { !strcmp(json_string_value(json_object_get(config, "order")), "desc"),
			   json_is_true(json_object_get(config, "ignore_case")) };
	qsort_r(e, n, sizeof *e, by_key, &how);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append(out, e[i].item);
	free(e);
	return axon_emit(ctx, "out", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "a list, or an object holding one at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "out", "the sorted list" },
	{ NULL, NULL },
};

const struct axon_block data_sort_block = {
	.name = "data.sort",
	.version = "1.0.0",
	.title = "Sort a list",
	.description = "Sorts a list by a field of its items, numbers as numbers and text by its characters; items that compare equal keep their order.",
	.category = "data",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" DATA_LIST_PATH ","
		"\"by\": {\"type\": \"string\", \"title\": \"Sort by\", \"description\": \"Dotted path in each item, such as price or user.name; empty to sort by the items themselves. Different kinds sort as null, false, true, numbers, text, lists, objects; items without the field come last\", \"default\": \"\"},"
		"\"order\": {\"type\": \"string\", \"title\": \"Order\", \"description\": \"asc: smallest first; desc: largest first\", \"enum\": [\"asc\", \"desc\"], \"default\": \"asc\"},"
		"\"ignore_case\": {\"type\": \"boolean\", \"title\": \"Ignore case\", \"description\": \"Sort text without telling A from a (ASCII letters)\", \"default\": false}}}",
	.run = run,
};
