/* A plugin built for a newer minor of this ABI than the host has. */
#include <axon/block.h>

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	return AXON_OK;
}

static const struct axon_block blocks[] = { { .name = "test.newer", .version = "1.0.0", .title = "Newer", .run = run } };

__attribute__((visibility("default"))) const struct axon_plugin *axon_plugin(void);
__attribute__((visibility("default"))) const struct axon_plugin *axon_plugin(void)
{
	static const struct axon_plugin p = { sizeof p, AXON_ABI_MAJOR, AXON_ABI_MINOR + 1, sizeof blocks[0], 1, blocks, "newer", { 0 }, NULL };
	return &p;
}
