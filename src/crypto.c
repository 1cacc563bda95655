#include "crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* N=2^14, r=8, p=1: 16 MiB and a few tens of milliseconds per hash on this
 * class of machine, the parameters RFC 7914 gives for interactive logins. */
#define SCRYPT_N 16384
#define SCRYPT_R 8
#define SCRYPT_P 1
#define SCRYPT_MAXMEM (64u << 20)

int crypto_random(void *buf, size_t len)
{
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

void crypto_hex(const unsigned char *in, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * len] = '\0';
}

int crypto_token(char out[65])
{
	unsigned char raw[32];
	if (crypto_random(raw, sizeof raw) < 0)
		return -1;
	crypto_hex(raw, sizeof raw, out);
	return 0;
}

void crypto_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256(data, len, md);
	crypto_hex(md, sizeof md, out);
}

void crypto_hmac_hex(const void *key, size_t keylen, const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	HMAC(EVP_sha256(), key, (int)keylen, data, len, md, &mdlen);
	crypto_hex(md, mdlen, out);
}

int crypto_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return 0;
	return CRYPTO_memcmp(a, b, la) == 0;
}

static int scrypt(const char *pw, const unsigned char *salt, size_t saltlen, unsigned long n,
		  unsigned long r, unsigned long p, unsigned char *out, size_t outlen)
{
	return EVP_PBE_scrypt(pw, strlen(pw), salt, saltlen, n, r, p, SCRYPT_MAXMEM, out, outlen) == 1 ? 0 : -1;
}

char *password_hash(const char *password)
{
	unsigned char salt[16], key[32];
	char salthex[33], keyhex[65];
	if (crypto_random(salt, sizeof salt) < 0 ||
	    scrypt(password, salt, sizeof salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, key, sizeof key) < 0)
		return NULL;
	crypto_hex(salt, sizeof salt, salthex);
	crypto_hex(key, sizeof key, keyhex);
	OPENSSL_cleanse(key, sizeof key);
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "scrypt$%d$%d$%d$%s$%s", SCRYPT_N, SCRYPT_R, SCRYPT_P, salthex, keyhex);
	return sb_detach(&sb);
}

static int unhex(const char *s, size_t len, unsigned char *out)
{
	for (size_t i = 0; i < len; i++) {
		unsigned v = 0;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

int password_verify(const char *password, const char *stored)
{
	unsigned long n, r, p;
	char salthex[33], keyhex[65];
	if (sscanf(stored, "scrypt$%lu$%lu$%lu$%32[0-9a-f]$%64[0-9a-f]", &n, &r, &p, salthex, keyhex) != 5 ||
	    strlen(salthex) != 32 || strlen(keyhex) != 64 || n > (1u << 20) || r > 32 || p > 16)
		return 0;
	unsigned char salt[16], want[32], got[32];
	if (unhex(salthex, 16, salt) < 0 || unhex(keyhex, 32, want) < 0 ||
	    scrypt(password, salt, sizeof salt, n, r, p, got, sizeof got) < 0)
		return 0;
	int ok = CRYPTO_memcmp(got, want, sizeof got) == 0;
	OPENSSL_cleanse(got, sizeof got);
	return ok;
}

#define SEAL_NONCE 12
#define SEAL_TAG 16

char *crypto_seal(const unsigned char key[32], const void *plain, size_t len)
{
	unsigned char nonce[SEAL_NONCE], tag[SEAL_TAG];
	unsigned char *ct = xmalloc(len + 1);
	int n = 0, fin = 0, ok = crypto_random(nonce, sizeof nonce) == 0;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	ok = ok && ctx && EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce) == 1 &&
	     EVP_EncryptUpdate(ctx, ct, &n, plain, (int)len) == 1 && EVP_EncryptFinal_ex(ctx, ct + n, &fin) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SEAL_TAG, tag) == 1;
	EVP_CIPHER_CTX_free(ctx);
	char *out = NULL;
	if (ok) {
		out = xmalloc(2 * (SEAL_NONCE + len + SEAL_TAG) + 1);
		crypto_hex(nonce, SEAL_NONCE, out);
		crypto_hex(ct, len, out + 2 * SEAL_NONCE);
		crypto_hex(tag, SEAL_TAG, out + 2 * (SEAL_NONCE + len));
	}
	OPENSSL_cleanse(ct, len);
	free(ct);
	return out;
}

int crypto_open(const unsigned char key[32], const char *sealed, unsigned char *out, size_t cap, size_t *len)
{
	size_t hexlen = strlen(sealed);
	if (hexlen % 2 || hexlen < 2 * (SEAL_NONCE + SEAL_TAG) || strspn(sealed, "0123456789abcdef") != hexlen)
		return -1;
	size_t ctlen = hexlen / 2 - SEAL_NONCE - SEAL_TAG;
	unsigned char nonce[SEAL_NONCE], tag[SEAL_TAG];
	if (ctlen > cap || unhex(sealed, SEAL_NONCE, nonce) < 0 ||
	    unhex(sealed + hexlen - 2 * SEAL_TAG, SEAL_TAG, tag) < 0)
		return -1;
	unsigned char *ct = xmalloc(ctlen + 1);
	int n = 0, fin = 0, ok = unhex(sealed + 2 * SEAL_NONCE, ctlen, ct) == 0;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	ok = ok && ctx && EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce) == 1 &&
	     EVP_DecryptUpdate(ctx, out, &n, ct, (int)ctlen) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SEAL_TAG, tag) == 1 &&
	     EVP_DecryptFinal_ex(ctx, out + n, &fin) == 1;
	EVP_CIPHER_CTX_free(ctx);
	free(ct);
	if (!ok) {
		OPENSSL_cleanse(out, ctlen);
		return -1;
	}
	*len = ctlen;
	return 0;
}

void crypto_derive_key(const unsigned char master[32], const char *purpose, unsigned char out[32])
{
	unsigned int len = 32;
	HMAC(EVP_sha256(), master, 32, (const unsigned char *)purpose, strlen(purpose), out, &len);
}

int crypto_sha256_file(const char *path, char out[65])
{
	FILE *f = fopen(path, "rbe");
	if (!f)
		return -1;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	size_t n;
	while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0)
		ok = EVP_DigestUpdate(ctx, buf, n) == 1;
	unsigned int len = 0;
	ok = ok && !ferror(f) && EVP_DigestFinal_ex(ctx, md, &len) == 1;
	EVP_MD_CTX_free(ctx);
	fclose(f);
	if (!ok)
		return -1;
	crypto_hex(md, len, out);
	return 0;
}

void crypto_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}
