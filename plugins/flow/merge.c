/* flow.merge: what several branches delivered, made into one value. The
 * engine runs a block that edges lead into once every block upstream has
 * ended, with what arrived (docs/workflow-format.md): so the merge has
 * waited for all its branches, and a branch that was skipped is simply
 * absent. Its inputs are in1 to in4, in that order of precedence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/blocks.h"
#include "json_path.h"
#include "shape.h"

#define MERGE_PORTS 4

static const char *const ports[MERGE_PORTS] = { "in1", "in2", "in3", "in4" };

static json_t *by_port(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *keys = json_object_get(config, "keys");
	json_t *out = json_object();
	for (size_t i = 0; i < MERGE_PORTS; i++) {
		const json_t *v = json_object_get(inputs, ports[i]), *key = json_array_get(keys, i);
		if (key && (!json_is_string(key) || !*json_string_value(key))) {
			json_decref(out);
			axon_fail(ctx, "keys.%zu must be a name for what arrives on %s (it is %s)", i, ports[i], shape_name(key));
			return NULL;
		}
		if (v)
			json_object_set(out, key ? json_string_value(key) : ports[i], (json_t *)v);
	}
	return out;
}

static json_t *append(const json_t *inputs)
{
	json_t *out = json_array();
	for (size_t i = 0; i < MERGE_PORTS; i++) {
		json_t *v = json_object_get(inputs, ports[i]);
		if (json_is_array(v))
			json_array_extend(out, v);
		else if (v)
			json_array_append(out, v);
	}
	return out;
}

/* The JSON text of the value at path in item, the key of a join; NULL when
 * the item has none. */
static char *join_key(const json_t *item, const char *path)
{
	const json_t *v = jpath_get(item, path);
	return v && !json_is_null(v) ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
}

/* in1 and in2, two lists of objects, joined where the key paths hold equal
 * values: each pair becomes in1's object with in2's fields added. */
static json_t *join(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *left = json_object_get(inputs, "in1"), *right = json_object_get(inputs, "in2");
	const char *key1 = json_string_value(json_object_get(config, "key"));
	const char *key2 = json_string_value(json_object_get(config, "key2"));
	int keep_unmatched = !strcmp(json_string_value(json_object_get(config, "join")), "left");
	size_t i, j;
	json_t *item;
	if (!*key1) {
		axon_fail(ctx, "mode join needs \"key\": the path of the value the two lists share, such as id");
		return NULL;
	}
	if (!*key2)
		key2 = key1;
	if (!json_is_array(left) || !json_is_array(right)) {
		shape_fail(ctx, json_is_array(left) ? "in2" : "in1", "", "a list of objects (mode join)", json_is_array(left) ? right : left);
		return NULL;
	}
	json_t *index = json_object(); /* key text -> [positions in right] */
	json_array_foreach(right, j, item) {
		if (!json_is_object(item)) {
			char where[32];
			snprintf(where, sizeof where, "%zu", j);
			json_decref(index);
			shape_fail(ctx, "in2", where, "an object (mode join)", item);
			return NULL;
		}
		char *k = join_key(item, key2);
		if (!k)
			continue;
		json_t *list = json_object_get(index, k);
		if (!list)
			json_object_set_new(index, k, list = json_array());
		json_array_append_new(list, json_integer((json_int_t)j));
		free(k);
	}
	json_t *out = json_array();
	json_array_foreach(left, i, item) {
		if (!json_is_object(item)) {
			char where[32];
			snprintf(where, sizeof where, "%zu", i);
			json_decref(index);
			json_decref(out);
			shape_fail(ctx, "in1", where, "an object (mode join)", item);
			return NULL;
		}
		char *k = join_key(item, key1);
		json_t *matches = k ? json_object_get(index, k) : NULL, *pos;
		free(k);
		json_array_foreach(matches, j, pos) {
			json_t *row = json_copy(item);
			json_object_update_missing(row, json_array_get(right, (size_t)json_integer_value(pos)));
			json_array_append_new(out, row);
		}
		if (!json_array_size(matches) && keep_unmatched)
			json_array_append(out, item);
	}
	json_decref(index);
	return out;
}

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const char *mode = json_string_value(json_object_get(config, "mode"));
	size_t arrived = 0;
	for (size_t i = 0; i < MERGE_PORTS; i++)
		arrived += json_object_get(inputs, ports[i]) != NULL;
	if (!arrived)
		return axon_fail(ctx, "nothing arrived on in1 to in4: connect the branches to merge");
	json_t *out;
	if (!strcmp(mode, "object"))
		out = by_port(ctx, inputs, config);
	else if (!strcmp(mode, "append"))
		out = append(inputs);
	else if (!strcmp(mode, "join"))
		out = join(ctx, inputs, config);
	else {
		size_t i = 0;
		while (!json_object_get(inputs, ports[i]))
			i++;
		out = json_incref(json_object_get(inputs, ports[i]));
	}
	if (!out)
		return AXON_FAIL;
	return axon_emit(ctx, "out", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in1", "a branch to merge (first in order)" },
	{ "in2", "a branch to merge" },
	{ "in3", "a branch to merge" },
	{ "in4", "a branch to merge (last in order)" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "out", "the merged value" },
	{ NULL, NULL },
};

const struct axon_block flow_merge_block = {
	.name = "flow.merge",
	.version = "1.0.0",
	.title = "Merge",
	.description = "Brings branches back together once all have ended: one object by input, one appended list, two lists joined by a key, or the first input that has a value.",
	.category = "flow",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"mode\": {\"type\": \"string\", \"title\": \"Merge\", \"description\": \"object: {\\\"in1\\\": ..., \\\"in2\\\": ...} of what arrived; append: the lists (and single values) of in1 to in4 one after the other; join: the objects of the lists in1 and in2 whose keys are equal, combined; first: the first of in1 to in4 that has a value (a skipped branch has none)\", \"enum\": [\"object\", \"append\", \"join\", \"first\"], \"default\": \"object\"},"
		"\"keys\": {\"type\": \"array\", \"title\": \"Names\", \"description\": \"Mode object: the names to give in1, in2... in the object, such as [\\\"order\\\", \\\"customer\\\"]; by default the port names\", \"default\": []},"
		"\"key\": {\"type\": \"string\", \"title\": \"Join on\", \"description\": \"Mode join: the dotted path of the shared value in the items of in1, such as id\", \"default\": \"\"},"
		"\"key2\": {\"type\": \"string\", \"title\": \"Join on, in in2\", \"description\": \"Mode join: the path in the items of in2, when it is not the same, such as customer_id\", \"default\": \"\"},"
		"\"join\": {\"type\": \"string\", \"title\": \"Items without a match\", \"description\": \"Mode join: inner leaves out the items of in1 that match nothing in in2; left keeps them as they are\", \"enum\": [\"inner\", \"left\"], \"default\": \"inner\"}}}",
	.run = run,
};
