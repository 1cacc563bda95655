/* crypto.hash: the digest of a text or of bytes: SHA-256, SHA-384,
 * SHA-512, and SHA-1 and MD5 for the old systems that still ask for them. */
#include <stdlib.h>

#include "crypto/blocks.h"
#include "crypto/digest.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const char *algorithm = json_string_value(json_object_get(config, "algorithm"));
	const EVP_MD *md = crypto_digest(algorithm);
	size_t n;
	if (!md)
		return axon_fail(ctx, "the digest %s is not available in this OpenSSL", algorithm);
	unsigned char *data = crypto_input(ctx, inputs, config, &n);
	if (!data)
		return AXON_FAIL;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	int ok = EVP_Digest(data, n, digest, &len, md, NULL);
	free(data);
	json_t *out = ok ? crypto_encode(digest, len, json_string_value(json_object_get(config, "encoding"))) : NULL;
	if (!out)
		return axon_fail(ctx, "OpenSSL could not compute the %s digest", algorithm);
	return axon_emit(ctx, "digest", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "a text, or an object holding one at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "digest", "the digest, in hex or base64" },
	{ NULL, NULL },
};

const struct axon_block crypto_hash_block = {
	.name = "crypto.hash",
	.version = "1.0.0",
	.title = "Hash",
	.description = "Computes the SHA-256 (or SHA-384, SHA-512, SHA-1, MD5) digest of a text, to fingerprint or deduplicate content, or for an API that asks for one.",
	.category = "crypto",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" INPUT_SCHEMA ","
		"\"algorithm\": {\"type\": \"string\", \"title\": \"Algorithm\", \"description\": \"sha256 unless a system asks for another; sha1 and md5 are broken for security and only for old systems\", \"enum\": " DIGEST_NAMES ", \"default\": \"sha256\"},"
		ENCODING_SCHEMA "}}",
	.run = run,
};
