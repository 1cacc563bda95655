/* A block whose config schema gives a default of the wrong type. */
#include <axon/block.h>

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	return AXON_OK;
}

static const struct axon_block blocks[] = { { .name = "test.bad_schema", .version = "1.0.0", .title = "Bad schema",
	.config_schema = "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", \"default\": \"three\"}}}",
	.run = run } };

AXON_PLUGIN("bad-schema", blocks)
