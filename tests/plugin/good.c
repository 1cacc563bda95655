/* A well-formed plugin with two blocks and a credential type (ABI 1.1). */
#include <axon/block.h>

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	return axon_emit(ctx, "out", json_deep_copy(config)) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port in[] = { { "in", "anything" }, { NULL, NULL } };
static const struct axon_port out[] = { { "out", "the config" }, { NULL, NULL } };

static const struct axon_block blocks[] = {
	{ .name = "test.good", .version = "1.2.3-beta.1", .title = "Good", .description = "echoes its config",
	  .category = "test", .inputs = in, .outputs = out,
	  .config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"mode\": {\"type\": \"string\", \"enum\": [\"a\", \"b\"], \"default\": \"a\"},"
		"\"count\": {\"type\": \"integer\", \"default\": 3},"
		"\"name\": {\"type\": \"string\"}, \"anything\": {}}, \"required\": [\"name\"]}",
	  .limits = { .wall_ms = 2000, .cpu_ms = 1000, .memory_bytes = 64 << 20 }, .run = run },
	{ .name = "test.good_too", .version = "0.1.0", .title = "Good too", .outputs = out, .run = run },
};

static const char *const credential_types[] = {
	"{\"name\": \"test.token\", \"title\": \"Test token\", \"schema\": {\"type\": \"object\", \"properties\": {"
	"\"token\": {\"type\": \"string\", \"secret\": true}}, \"required\": [\"token\"]},"
	"\"apply\": {\"headers\": {\"X-Test-Token\": \"{{ token }}\"}}}",
	NULL,
};

AXON_PLUGIN_WITH_CREDENTIALS("good", blocks, credential_types)
