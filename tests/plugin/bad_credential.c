/* A plugin whose credential type takes a core type's kind of name: skipped whole. */
#include <axon/block.h>

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	return AXON_OK;
}

static const struct axon_block blocks[] = {
	{ .name = "test.bad_credential", .version = "1.0.0", .title = "Bad credential", .run = run },
};

static const char *const credential_types[] = {
	"{\"name\": \"bearer2\", \"title\": \"Not namespaced\", \"schema\": {\"type\": \"object\"}}",
	NULL,
};

AXON_PLUGIN_WITH_CREDENTIALS("bad_credential", blocks, credential_types)
