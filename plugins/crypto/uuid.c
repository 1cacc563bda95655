/* crypto.uuid: random UUIDs (version 4), or time-ordered ones (version 7,
 * RFC 9562) that sort by creation. The random bits come from getrandom(),
 * which the sandbox allows (it cannot open /dev/urandom). */
#include <stdio.h>
#include <sys/random.h>
#include <time.h>

#include "crypto/blocks.h"

#define UUID_MAX_COUNT 1000

static int make(unsigned char u[16], int version)
{
	if (getrandom(u, 16, 0) != 16)
		return -1;
	if (version == 7) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
		for (int i = 0; i < 6; i++)
			u[i] = (unsigned char)(ms >> (40 - 8 * i));
	}
	u[6] = (unsigned char)((u[6] & 0x0f) | version << 4);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* the RFC 4122 variant */
	return 0;
}

static json_t *text(const unsigned char u[16])
{
	char s[37];
	snprintf(s, sizeof s, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4],
		 u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	return json_string(s);
}

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	int version = json_string_value(json_object_get(config, "version"))[0] == '7' ? 7 : 4;
	json_int_t count = json_integer_value(json_object_get(config, "count"));
	if (count < 1 || count > UUID_MAX_COUNT)
		return axon_fail(ctx, "\"count\" must be from 1 to %d (it is %lld)", UUID_MAX_COUNT, (long long)count);
	json_t *list = json_array();
	for (json_int_t i = 0; i < count; i++) {
		unsigned char u[16];
		if (make(u, version)) {
			json_decref(list);
			return axon_fail(ctx, "no random bytes from getrandom()");
		}
		json_array_append_new(list, text(u));
	}
	json_t *out = count == 1 ? json_incref(json_array_get(list, 0)) : json_incref(list);
	json_decref(list);
	return axon_emit(ctx, "uuid", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "anything: it only starts the block" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "uuid", "one UUID such as 3f0c2a9e-8d1b-4c6e-9a57-1e2f3a4b5c6d, or a list of count" },
	{ NULL, NULL },
};

const struct axon_block crypto_uuid_block = {
	.name = "crypto.uuid",
	.version = "1.0.0",
	.title = "New UUID",
	.description = "Makes a new random UUID (version 4), or a time-ordered one (version 7) that sorts by creation, for ids and idempotency keys.",
	.category = "crypto",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"version\": {\"type\": \"string\", \"title\": \"Version\", \"description\": \"4: random; 7: starts with the time in milliseconds, so that ids sort by creation (good for database keys)\", \"enum\": [\"4\", \"7\"], \"default\": \"4\"},"
		"\"count\": {\"type\": \"integer\", \"title\": \"How many\", \"description\": \"1 for one UUID, more for a list of them (at most 1000)\", \"default\": 1}}}",
	.run = run,
};
