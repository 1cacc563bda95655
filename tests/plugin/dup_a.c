/* Provides test.dup; so does dup_b.so, which loads second and is skipped. */
#include <axon/block.h>

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	return AXON_OK;
}

static const struct axon_block blocks[] = { { .name = "test.dup", .version = "1.0.0", .title = "Dup", .run = run } };

AXON_PLUGIN(PLUGIN_NAME, blocks)
