/* What the crypto blocks share: the digests, fetched from OpenSSL's default
 * provider when the plugin is loaded (in the zygote, where OpenSSL may still
 * read its configuration file; a confined block cannot open it), and the
 * encodings of bytes as text. */
#ifndef AXON_PLUGINS_CRYPTO_DIGEST_H
#define AXON_PLUGINS_CRYPTO_DIGEST_H
#include <axon/block.h>
#include <openssl/evp.h>

#define DIGEST_NAMES "[\"sha256\", \"sha384\", \"sha512\", \"sha1\", \"md5\"]"
#define ENCODING_SCHEMA "\"encoding\": {\"type\": \"string\", \"title\": \"Written as\", \"description\": \"hex: 64 lower-case hex digits for SHA-256; base64 or base64url (no padding), shorter\", \"enum\": [\"hex\", \"base64\", \"base64url\"], \"default\": \"hex\"}"
#define INPUT_SCHEMA \
	"\"path\": {\"type\": \"string\", \"title\": \"Text\", \"description\": \"Dotted path of the text in the input, such as body.payload; empty when the input is the text\", \"default\": \"\"}," \
	"\"input_encoding\": {\"type\": \"string\", \"title\": \"Input is\", \"description\": \"text: its UTF-8 bytes; base64 or hex: the bytes written that way (binary data)\", \"enum\": [\"text\", \"base64\", \"hex\"], \"default\": \"text\"}"

/* The digest called name (one of DIGEST_NAMES), or NULL. */
const EVP_MD *crypto_digest(const char *name);
/* bytes as text in encoding ("hex", "base64", "base64url"), a new string. */
json_t *crypto_encode(const unsigned char *bytes, size_t n, const char *encoding);
/* The bytes the block works on: the string at config "path" of input "in",
 * decoded as config "input_encoding" says. A new buffer (free it), or NULL
 * after failing the run. */
unsigned char *crypto_input(struct axon_ctx *ctx, const json_t *inputs, const json_t *config, size_t *n);

#endif
