/* flow.stop: ends its branch of the run, as a failure with a message (the
 * run fails, its error workflow runs) or quietly (what follows is skipped). */
#include <string.h>

#include "flow/blocks.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const char *message = json_string_value(json_object_get(config, "message"));
	if (!strcmp(json_string_value(json_object_get(config, "status")), "failed"))
		return axon_fail(ctx, "%s", *message ? message : "stopped by flow.stop");
	axon_log(ctx, AXON_LOG_INFO, "%s", *message ? message : "stopped by flow.stop: what follows is skipped");
	return AXON_OK;
}

static const struct axon_port inputs[] = {
	{ "in", "whatever arrives: it is not used" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ NULL, NULL },
};

const struct axon_block flow_stop_block = {
	.name = "flow.stop",
	.version = "1.0.0",
	.title = "Stop",
	.description = "Ends this branch of the run: as a failure with your message (the run fails), or as a success (nothing after it runs).",
	.category = "flow",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"status\": {\"type\": \"string\", \"title\": \"End as\", \"description\": \"failed: the run fails with the message, and its error workflow runs; succeeded: the blocks after this one are skipped and the message is logged (other branches go on)\", \"enum\": [\"failed\", \"succeeded\"], \"default\": \"failed\"},"
		"\"message\": {\"type\": \"string\", \"title\": \"Message\", \"description\": \"What people read on the run page, such as Order {{ trigger.body.id }} has no address\", \"default\": \"\"}}}",
	.run = run,
};
