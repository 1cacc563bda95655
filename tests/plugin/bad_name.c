/* A block whose name has no namespace. */
#include <axon/block.h>

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	return AXON_OK;
}

static const struct axon_block blocks[] = { { .name = "Template", .version = "1.0", .title = "Bad name", .run = run } };

AXON_PLUGIN("bad-name", blocks)
