#include "crypto/digest.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "json_path.h"
#include "shape.h"

static const char *const names[] = { "sha256", "sha384", "sha512", "sha1", "md5" };
static EVP_MD *digests[sizeof names / sizeof names[0]];

__attribute__((constructor)) static void fetch_digests(void)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		digests[i] = EVP_MD_fetch(NULL, names[i], NULL);
}

__attribute__((destructor)) static void free_digests(void)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		EVP_MD_free(digests[i]);
}

const EVP_MD *crypto_digest(const char *name)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(name, names[i]))
			return digests[i];
	return NULL;
}

json_t *crypto_encode(const unsigned char *bytes, size_t n, const char *encoding)
{
	char *text = malloc(n * 2 + 4);
	if (!text)
		return NULL;
	if (!strcmp(encoding, "hex")) {
		for (size_t i = 0; i < n; i++) {
			text[2 * i] = "0123456789abcdef"[bytes[i] >> 4];
			text[2 * i + 1] = "0123456789abcdef"[bytes[i] & 15];
		}
		text[2 * n] = '\0';
	} else {
		int len = EVP_EncodeBlock((unsigned char *)text, bytes, (int)n);
		if (!strcmp(encoding, "base64url")) {
			while (len > 0 && text[len - 1] == '=')
				text[--len] = '\0';
			for (char *c = text; *c; c++)
				*c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
		}
	}
	json_t *s = json_string(text);
	free(text);
	return s;
}

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

unsigned char *crypto_input(struct axon_ctx *ctx, const json_t *inputs, const json_t *config, size_t *n)
{
	const char *path = json_string_value(json_object_get(config, "path"));
	const char *encoding = json_string_value(json_object_get(config, "input_encoding"));
	const json_t *in = json_object_get(inputs, "in");
	const json_t *at = in ? jpath_get(in, path) : NULL;
	if (!json_is_string(at)) {
		shape_fail(ctx, "in", path, "a string", at);
		return NULL;
	}
	const char *s = json_string_value(at);
	size_t len = json_string_length(at);
	unsigned char *out = malloc(len + 1);
	if (!out) {
		axon_fail(ctx, "out of memory for %zu bytes", len);
		return NULL;
	}
	if (!strcmp(encoding, "text")) {
		memcpy(out, s, len);
		*n = len;
		return out;
	}
	if (!strcmp(encoding, "hex")) {
		for (*n = 0; *n * 2 + 1 < len; (*n)++) {
			int hi = hex_value(s[*n * 2]), lo = hex_value(s[*n * 2 + 1]);
			if (hi < 0 || lo < 0)
				break;
			out[*n] = (unsigned char)(hi << 4 | lo);
		}
		if (*n * 2 == len)
			return out;
	} else if (len < 0x7fffffff && strlen(s) == len) {
		/* base64 with its padding; EVP_DecodeBlock counts the padding as zero bytes */
		int got = len % 4 == 0 ? EVP_DecodeBlock(out, (const unsigned char *)s, (int)len) : -1;
		if (got >= 0) {
			*n = (size_t)got - (len && s[len - 1] == '=') - (len > 1 && s[len - 2] == '=');
			return out;
		}
	}
	free(out);
	axon_fail(ctx, "in%s%s is not %s: set \"input_encoding\" to text to use the text itself", *path ? "." : "", path,
		  !strcmp(encoding, "hex") ? "hex digits (an even number of 0-9, a-f)" : "base64 (A-Z, a-z, 0-9, + and /, padded with = to a multiple of 4)");
	return NULL;
}
