/* crypto.hmac: an HMAC of a text with a key, to sign a request or to check
 * a webhook's signature; the key is best a secret, read by name. */
#include <stdlib.h>
#include <string.h>

#include <openssl/hmac.h>

#include "crypto/blocks.h"
#include "crypto/digest.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const char *algorithm = json_string_value(json_object_get(config, "algorithm"));
	const char *secret_name = json_string_value(json_object_get(config, "secret"));
	const json_t *key = json_object_get(config, "key");
	const EVP_MD *md = crypto_digest(algorithm);
	if (!md)
		return axon_fail(ctx, "the digest %s is not available in this OpenSSL", algorithm);
	if (!!*secret_name == !!key)
		return axon_fail(ctx, "give the key either as \"secret\" (the name of a secret: best) or as \"key\", not %s",
				 key ? "both" : "neither");
	json_t *secret = NULL;
	if (*secret_name) {
		char err[300];
		secret = axon_secret(ctx, secret_name, err, sizeof err);
		if (!secret)
			return axon_fail(ctx, "the key's secret '%s': %s", secret_name, err);
		key = secret;
	}
	size_t n;
	unsigned char *data = crypto_input(ctx, inputs, config, &n);
	if (!data) {
		json_decref(secret);
		return AXON_FAIL;
	}
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	int ok = HMAC(md, json_string_value(key), (int)json_string_length(key), data, n, mac, &len) != NULL;
	free(data);
	json_decref(secret);
	json_t *out = ok ? crypto_encode(mac, len, json_string_value(json_object_get(config, "encoding"))) : NULL;
	if (!out)
		return axon_fail(ctx, "OpenSSL could not compute the HMAC-%s", algorithm);
	return axon_emit(ctx, "mac", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "the text to sign, or an object holding it at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "mac", "the HMAC, in hex or base64" },
	{ NULL, NULL },
};

const struct axon_block crypto_hmac_block = {
	.name = "crypto.hmac",
	.version = "1.0.0",
	.title = "HMAC signature",
	.description = "Signs a text with a key (HMAC-SHA256 and others), as APIs and webhooks ask: Stripe, GitHub, Slack, AWS.",
	.category = "crypto",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" INPUT_SCHEMA ","
		"\"secret\": {\"type\": \"string\", \"title\": \"Key from a secret\", \"description\": \"The name of the secret holding the key: it stays out of the workflow\", \"default\": \"\"},"
		"\"key\": {\"type\": \"string\", \"title\": \"Key\", \"description\": \"The key itself, when it is not secret (prefer a secret)\"},"
		"\"algorithm\": {\"type\": \"string\", \"title\": \"Algorithm\", \"description\": \"sha256 unless the other side asks for another\", \"enum\": " DIGEST_NAMES ", \"default\": \"sha256\"},"
		ENCODING_SCHEMA "}}",
	.run = run,
};
