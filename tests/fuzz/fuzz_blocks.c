/* libFuzzer: every core block, in this process, on arbitrary JSON. The
 * first byte picks the block; the rest is JSON, either
 * {"config": CONFIG, "in": VALUE} or any other value, used as the input.
 * The value goes on every input port of the block; the config is checked
 * and completed by the schema as the host does (the defaults alone when it
 * is refused). A block must not crash, leak or hang, and must end with
 * exactly one of: AXON_OK (having emitted only on its declared ports, each
 * at most once, without calling fail) or AXON_FAIL after fail() with a
 * message. The seeds, tests/fuzz/corpus/blocks/BLOCK-N, come from the
 * fixtures; their first byte is the block's place in blocks[] below. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "chat/blocks.h"
#include "crypto/blocks.h"
#include "data/blocks.h"
#include "date/blocks.h"
#include "db/blocks.h"
#include "flow/blocks.h"
#include "mail/blocks.h"
#include "net/blocks.h"
#include "plugin/schema.h"
#include "text/blocks.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct axon_block *const blocks[] = { FLOW_BLOCKS, DATA_BLOCKS, TEXT_BLOCKS, DATE_BLOCKS, CRYPTO_BLOCKS, NET_BLOCKS,
						   MAIL_BLOCKS, CHAT_BLOCKS, DB_BLOCKS };
#define NBLOCKS (sizeof blocks / sizeof blocks[0])
static json_t *schemas[NBLOCKS];

struct fuzz_ctx {
	struct axon_ctx ctx; /* first: the host gets a struct axon_ctx * */
	const struct axon_block *block;
	json_t *emitted; /* port -> true */
	int failed;
};

static int emit(struct axon_ctx *ctx, const char *port, json_t *value)
{
	struct fuzz_ctx *f = (struct fuzz_ctx *)ctx;
	int declared = 0;
	for (const struct axon_port *p = f->block->outputs; p->name; p++)
		declared |= !strcmp(p->name, port);
	if (!declared || json_object_get(f->emitted, port) || !value) {
		fprintf(stderr, "%s emitted on '%s': %s\n", f->block->name, port,
			!declared ? "not a declared port" : !value ? "a NULL value" : "a second time");
		abort();
	}
	json_object_set_new(f->emitted, port, json_true());
	char *text = json_dumps(value, JSON_ENCODE_ANY); /* what the child sends to the host */
	free(text);
	json_decref(value);
	return 0;
}

static int fail(struct axon_ctx *ctx, const char *fmt, ...) AXON_PRINTF(2, 3);
static int fail(struct axon_ctx *ctx, const char *fmt, ...)
{
	struct fuzz_ctx *f = (struct fuzz_ctx *)ctx;
	char message[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	if (!message[0]) {
		fprintf(stderr, "%s failed with an empty message\n", f->block->name);
		abort();
	}
	f->failed = 1;
	return AXON_FAIL;
}

static void log_line(struct axon_ctx *ctx, enum axon_log_level level, const char *fmt, ...) AXON_PRINTF(3, 4);
static void log_line(struct axon_ctx *ctx, enum axon_log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
}

static void progress(struct axon_ctx *ctx, double fraction, const char *message)
{
}

static json_t *http(struct axon_ctx *ctx, const json_t *request, char *err, size_t errlen)
{
	snprintf(err, errlen, "no network in the fuzzer");
	return NULL;
}

static json_t *secret(struct axon_ctx *ctx, const char *name, char *err, size_t errlen)
{
	snprintf(err, errlen, "no secrets in the fuzzer");
	return NULL;
}

static json_t *call(struct axon_ctx *ctx, const char *service, const json_t *request, char *err, size_t errlen)
{
	snprintf(err, errlen, "no services in the fuzzer");
	return NULL;
}

static json_t *llm(struct axon_ctx *ctx, const json_t *request, char *err, size_t errlen)
{
	snprintf(err, errlen, "no language model or knowledge base in the fuzzer");
	return NULL;
}

/* Nothing is kept: each block does its whole work in run(), as under axon-block run. */
static int keep(struct axon_ctx *ctx, const json_t *value)
{
	return -1;
}

static const json_t *kept(struct axon_ctx *ctx)
{
	return NULL;
}

static const struct axon_host host = { sizeof host, 0, emit, fail, log_line, progress, http, secret, call, llm, llm,
				       keep, kept };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	xmlInitParser();
	for (size_t i = 0; i < NBLOCKS; i++) {
		char err[300];
		schemas[i] = schema_parse(blocks[i]->config_schema, err, sizeof err);
		if (!schemas[i]) {
			fprintf(stderr, "%s: %s\n", blocks[i]->name, err);
			abort();
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const struct axon_block *b = blocks[data[0] % NBLOCKS];
	json_t *doc = json_loadb((const char *)data + 1, size - 1, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (!doc)
		return 0;
	const json_t *given = json_is_object(doc) && json_object_get(doc, "in") ? json_object_get(doc, "config") : NULL;
	const json_t *value = given || (json_is_object(doc) && json_object_get(doc, "in")) ? json_object_get(doc, "in") : doc;
	char err[300];
	json_t *config = schema_apply(schemas[data[0] % NBLOCKS], given, err, sizeof err);
	if (!config)
		config = schema_apply(schemas[data[0] % NBLOCKS], NULL, err, sizeof err);
	if (config) {
		json_t *inputs = json_object();
		for (const struct axon_port *p = b->inputs; p->name; p++)
			json_object_set(inputs, p->name, (json_t *)value);
		struct fuzz_ctx f = { { &host }, b, json_object(), 0 };
		int rc = b->run(&f.ctx, inputs, config);
		if ((rc == AXON_OK) == f.failed || (rc != AXON_OK && rc != AXON_FAIL)) {
			fprintf(stderr, "%s returned %d %s fail()\n", b->name, rc, f.failed ? "after" : "without");
			abort();
		}
		json_decref(f.emitted);
		json_decref(inputs);
		json_decref(config);
	}
	json_decref(doc);
	return 0;
}
