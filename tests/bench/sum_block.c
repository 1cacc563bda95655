/* bench.sum: the user code of peer-bench.sh's workload, a C block built with
 * the SDK as sdk/README.md says. Its input is a webhook's trigger data as
 * json.set passed it on; like the Node-RED flow's function node it sums
 * body.values and answers {"sum", "count", "tag"}. */
#include <axon/block.h>

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	(void)config;
	const json_t *body = json_object_get(json_object_get(inputs, "in"), "body");
	const json_t *values = json_object_get(body, "values");
	if (!json_is_array(values))
		return axon_fail(ctx, "the request body has no \"values\" array");
	json_int_t sum = 0;
	size_t i;
	const json_t *v;
	json_array_foreach(values, i, v) {
		if (!json_is_integer(v))
			return axon_fail(ctx, "values[%zu] is not a whole number", i);
		sum += json_integer_value(v);
	}
	return axon_emit(ctx, "out",
	                 json_pack("{s:I, s:I, s:O?}", "sum", sum, "count", (json_int_t)json_array_size(values), "tag",
	                           json_object_get(body, "tag"))) == 0
	               ? AXON_OK
	               : AXON_FAIL;
}

static const struct axon_port inputs[] = { { "in", "a webhook's data, {\"body\": {\"values\": [...], \"tag\": ...}}" },
	                                    { NULL, NULL } };
static const struct axon_port outputs[] = { { "out", "{\"sum\", \"count\", \"tag\"}" }, { NULL, NULL } };

static const struct axon_block blocks[] = { {
	.name = "bench.sum",
	.version = "1.0.0",
	.title = "Sum (benchmark)",
	.description = "Sums body.values of its input and passes body.tag on.",
	.category = "data",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {}}",
	.run = run,
} };

AXON_PLUGIN("bench", blocks)
