#include "envelope.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "strbuf.h"

#define VERSION "axc1"
#define TAG_BYTES 16
#define WRAPPED_BYTES (ENVELOPE_NONCE_BYTES + ENVELOPE_KEY_BYTES + TAG_BYTES)
#define FORMAT "expected " VERSION "$KID$WRAPPED$SEALED"

void envelope_key_set(struct envelope_key *k, const unsigned char raw[ENVELOPE_KEY_BYTES])
{
	static const char label[] = "axon credential key";
	unsigned char buf[sizeof label - 1 + ENVELOPE_KEY_BYTES], md[SHA256_DIGEST_LENGTH];
	memcpy(k->key, raw, ENVELOPE_KEY_BYTES);
	memcpy(buf, label, sizeof label - 1);
	memcpy(buf + sizeof label - 1, raw, ENVELOPE_KEY_BYTES);
	SHA256(buf, sizeof buf, md);
	OPENSSL_cleanse(buf, sizeof buf);
	crypto_hex(md, ENVELOPE_KID_CHARS / 2, k->id);
}

void envelope_key_clear(struct envelope_key *k)
{
	OPENSSL_cleanse(k, sizeof *k);
}

/* AES-256-GCM of in into out (same length) with the tag after it when
 * sealing, checked when opening. 0, or -1 (a bad tag when opening). */
static int gcm(int seal, const unsigned char *key, const unsigned char *nonce, const char *aad,
	       const unsigned char *in, size_t len, unsigned char *out, unsigned char *tag)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, ok = c && len <= (size_t)0x7fffffff;
	ok = ok && EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, seal) == 1;
	ok = ok && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, ENVELOPE_NONCE_BYTES, NULL) == 1;
	ok = ok && EVP_CipherInit_ex(c, NULL, NULL, key, nonce, seal) == 1;
	ok = ok && EVP_CipherUpdate(c, NULL, &n, (const unsigned char *)aad, (int)strlen(aad)) == 1;
	ok = ok && (len == 0 || EVP_CipherUpdate(c, out, &n, in, (int)len) == 1);
	if (ok && !seal)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_BYTES, tag) == 1;
	ok = ok && EVP_CipherFinal_ex(c, out + len, &n) == 1;
	if (ok && seal)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_BYTES, tag) == 1;
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

static void add_base64(struct strbuf *sb, const unsigned char *in, size_t len)
{
	sb_grow(sb, 4 * ((len + 2) / 3) + 1);
	int n = EVP_EncodeBlock((unsigned char *)sb->data + sb->len, in, (int)len);
	sb->len += (size_t)n;
	sb->data[sb->len] = '\0';
}

/* Decodes exactly len base64 characters; the decoded bytes (caller frees), or NULL. */
static unsigned char *unbase64(const char *s, size_t len, size_t *out_len)
{
	if (len == 0 || len % 4 || len > (size_t)0x7ffffff0)
		return NULL;
	unsigned char *out = xmalloc(len / 4 * 3 + 1);
	int n = EVP_DecodeBlock(out, (const unsigned char *)s, (int)len);
	if (n < 0) {
		free(out);
		return NULL;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	size_t pad = (s[len - 1] == '=') + (s[len - 2] == '=');
	*out_len = (size_t)n - pad;
	return out;
}

/* The authenticated data of the wrapped key: the version and the key id,
 * so that an envelope cannot be relabelled with another key's id. */
static void wrap_aad(char out[sizeof VERSION + ENVELOPE_KID_CHARS + 1], const char *kid)
{
	snprintf(out, sizeof VERSION + ENVELOPE_KID_CHARS + 1, VERSION "$%s", kid);
}

static void add_wrapped(struct strbuf *sb, const struct envelope_key *kek, const unsigned char *dek,
			const unsigned char *nonce, int *ok)
{
	unsigned char w[WRAPPED_BYTES];
	char aad[sizeof VERSION + ENVELOPE_KID_CHARS + 1];
	wrap_aad(aad, kek->id);
	memcpy(w, nonce, ENVELOPE_NONCE_BYTES);
	*ok = *ok && gcm(1, kek->key, nonce, aad, dek, ENVELOPE_KEY_BYTES, w + ENVELOPE_NONCE_BYTES,
			 w + ENVELOPE_NONCE_BYTES + ENVELOPE_KEY_BYTES) == 0;
	add_base64(sb, w, sizeof w);
}

char *envelope_seal_with(const struct envelope_key *kek, const unsigned char dek[ENVELOPE_KEY_BYTES],
			 const unsigned char wrap_nonce[ENVELOPE_NONCE_BYTES],
			 const unsigned char data_nonce[ENVELOPE_NONCE_BYTES], const void *data, size_t len,
			 char *err, size_t errlen)
{
	struct strbuf sb = STRBUF_INIT;
	int ok = 1;
	sb_printf(&sb, VERSION "$%s$", kek->id);
	add_wrapped(&sb, kek, dek, wrap_nonce, &ok);
	sb_addc(&sb, '$');
	size_t n = ENVELOPE_NONCE_BYTES + len + TAG_BYTES;
	unsigned char *s = xmalloc(n);
	memcpy(s, data_nonce, ENVELOPE_NONCE_BYTES);
	ok = ok && gcm(1, dek, data_nonce, VERSION, data, len, s + ENVELOPE_NONCE_BYTES,
		       s + ENVELOPE_NONCE_BYTES + len) == 0;
	add_base64(&sb, s, n);
	free(s);
	if (!ok) {
		snprintf(err, errlen, "OpenSSL could not encrypt with AES-256-GCM");
		sb_free(&sb);
		return NULL;
	}
	return sb_detach(&sb);
}

char *envelope_seal(const struct envelope_key *kek, const void *data, size_t len, char *err, size_t errlen)
{
	unsigned char dek[ENVELOPE_KEY_BYTES], wn[ENVELOPE_NONCE_BYTES], dn[ENVELOPE_NONCE_BYTES];
	char *r = NULL;
	if (crypto_random(dek, sizeof dek) < 0 || crypto_random(wn, sizeof wn) < 0 || crypto_random(dn, sizeof dn) < 0)
		snprintf(err, errlen, "no random bytes for a data key (OpenSSL's generator failed)");
	else
		r = envelope_seal_with(kek, dek, wn, dn, data, len, err, errlen);
	OPENSSL_cleanse(dek, sizeof dek);
	return r;
}

/* The three parts after the version, split in place: 0, or -1 with err set. */
struct parts {
	char kid[ENVELOPE_KID_CHARS + 1];
	const char *wrapped, *sealed;
	size_t wrapped_len, sealed_len;
};

static int split(const char *env, struct parts *p, char *err, size_t errlen)
{
	const char *d1 = strchr(env, '$');
	if (!d1 || (size_t)(d1 - env) != strlen(VERSION) || strncmp(env, VERSION, strlen(VERSION))) {
		if (d1 && !strncmp(env, "axc", 3))
			snprintf(err, errlen, "the credential is sealed in envelope version '%.*s', which this axond does not know (it knows " VERSION "): run the newer axond that wrote it",
				 (int)(d1 - env) > 16 ? 16 : (int)(d1 - env), env);
		else
			snprintf(err, errlen, "the credential's envelope is damaged: it does not start with " VERSION "$ (" FORMAT ")");
		return -1;
	}
	const char *kid = d1 + 1, *d2 = strchr(kid, '$');
	const char *d3 = d2 ? strchr(d2 + 1, '$') : NULL;
	if (!d2 || !d3 || strchr(d3 + 1, '$') || d2 - kid != ENVELOPE_KID_CHARS ||
	    strspn(kid, "0123456789abcdef") < ENVELOPE_KID_CHARS) {
		snprintf(err, errlen, "the credential's envelope is damaged: its parts are missing or malformed (" FORMAT ")");
		return -1;
	}
	memcpy(p->kid, kid, ENVELOPE_KID_CHARS);
	p->kid[ENVELOPE_KID_CHARS] = '\0';
	p->wrapped = d2 + 1;
	p->wrapped_len = (size_t)(d3 - p->wrapped);
	p->sealed = d3 + 1;
	p->sealed_len = strlen(p->sealed);
	return 0;
}

int envelope_kid(const char *env, char kid[ENVELOPE_KID_CHARS + 1], char *err, size_t errlen)
{
	struct parts p;
	if (split(env, &p, err, errlen) < 0)
		return -1;
	memcpy(kid, p.kid, sizeof p.kid);
	return 0;
}

/* Unwraps the data key of p under kek: 0, or -1 with err set. */
static int unwrap(const struct envelope_key *kek, const struct parts *p, unsigned char dek[ENVELOPE_KEY_BYTES],
		  char *err, size_t errlen)
{
	if (strcmp(p->kid, kek->id)) {
		snprintf(err, errlen, "the credential is sealed under key %s, not under key %s of credential_key_file: "
			 "use the key file it was sealed with (an old one kept by rotate-key is named after its key id)",
			 p->kid, kek->id);
		return -1;
	}
	size_t n = 0;
	unsigned char *w = unbase64(p->wrapped, p->wrapped_len, &n);
	char aad[sizeof VERSION + ENVELOPE_KID_CHARS + 1];
	wrap_aad(aad, p->kid);
	int rc = -1;
	if (!w || n != WRAPPED_BYTES)
		snprintf(err, errlen, "the credential's envelope is damaged: its wrapped data key is not %d bytes of base64",
			 WRAPPED_BYTES);
	else if (gcm(0, kek->key, w, aad, w + ENVELOPE_NONCE_BYTES, ENVELOPE_KEY_BYTES, dek,
		     w + ENVELOPE_NONCE_BYTES + ENVELOPE_KEY_BYTES) < 0)
		snprintf(err, errlen, "the credential's data key does not unwrap under key %s: the key file or the "
			 "database was altered (the integrity check failed)", kek->id);
	else
		rc = 0;
	free(w);
	return rc;
}

char *envelope_open(const struct envelope_key *kek, const char *env, size_t *len, char *err, size_t errlen)
{
	struct parts p;
	unsigned char dek[ENVELOPE_KEY_BYTES];
	if (split(env, &p, err, errlen) < 0 || unwrap(kek, &p, dek, err, errlen) < 0)
		return NULL;
	size_t n = 0;
	unsigned char *s = unbase64(p.sealed, p.sealed_len, &n);
	char *out = NULL;
	if (!s || n < ENVELOPE_NONCE_BYTES + TAG_BYTES) {
		snprintf(err, errlen, "the credential's envelope is damaged: its sealed part is not base64 of a nonce, the data and a tag");
	} else {
		size_t m = n - ENVELOPE_NONCE_BYTES - TAG_BYTES;
		out = xmalloc(m + 1);
		if (gcm(0, dek, s, VERSION, s + ENVELOPE_NONCE_BYTES, m, (unsigned char *)out, s + n - TAG_BYTES) < 0) {
			snprintf(err, errlen, "the credential's ciphertext fails its integrity check: it was altered in the database");
			OPENSSL_cleanse(out, m);
			free(out);
			out = NULL;
		} else {
			out[m] = '\0';
			*len = m;
		}
	}
	OPENSSL_cleanse(dek, sizeof dek);
	free(s);
	return out;
}

char *envelope_rewrap(const struct envelope_key *old, const struct envelope_key *new, const char *env, char *err,
		      size_t errlen)
{
	struct parts p;
	unsigned char dek[ENVELOPE_KEY_BYTES], nonce[ENVELOPE_NONCE_BYTES];
	if (split(env, &p, err, errlen) < 0 || unwrap(old, &p, dek, err, errlen) < 0)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	int ok = crypto_random(nonce, sizeof nonce) == 0;
	sb_printf(&sb, VERSION "$%s$", new->id);
	add_wrapped(&sb, new, dek, nonce, &ok);
	OPENSSL_cleanse(dek, sizeof dek);
	sb_addc(&sb, '$');
	sb_add(&sb, p.sealed, p.sealed_len);
	if (!ok) {
		snprintf(err, errlen, "OpenSSL could not wrap the data key with AES-256-GCM");
		sb_free(&sb);
		return NULL;
	}
	return sb_detach(&sb);
}
