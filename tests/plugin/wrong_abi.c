/* A plugin built for a future ABI major. */
#include <axon/block.h>

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	return AXON_OK;
}

static const struct axon_block blocks[] = { { .name = "test.future", .version = "1.0.0", .title = "Future", .run = run } };

__attribute__((visibility("default"))) const struct axon_plugin *axon_plugin(void);
__attribute__((visibility("default"))) const struct axon_plugin *axon_plugin(void)
{
	static const struct axon_plugin p = { sizeof p, AXON_ABI_MAJOR + 1, 0, sizeof blocks[0], 1, blocks, "future", { 0 }, NULL };
	return &p;
}
