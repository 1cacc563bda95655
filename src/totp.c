#include "totp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

uint32_t totp_hotp(enum totp_hash hash, const unsigned char *key, size_t keylen, uint64_t counter, int digits)
{
	const EVP_MD *md = hash == TOTP_SHA256 ? EVP_sha256() : hash == TOTP_SHA512 ? EVP_sha512() : EVP_sha1();
	unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	for (int i = 7; i >= 0; i--, counter >>= 8)
		msg[i] = (unsigned char)(counter & 0xff);
	HMAC(md, key, (int)keylen, msg, sizeof msg, mac, &maclen);
	/* RFC 4226 §5.3: dynamic truncation. */
	unsigned off = mac[maclen - 1] & 0x0f;
	uint32_t bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
		       (uint32_t)mac[off + 2] << 8 | mac[off + 3];
	uint32_t mod = 1;
	for (int i = 0; i < digits; i++)
		mod *= 10;
	return bin % mod;
}

uint64_t totp_match(const unsigned char *key, size_t keylen, uint64_t now_step, const char *code)
{
	if (!code || strlen(code) != TOTP_DIGITS || strspn(code, "0123456789") != TOTP_DIGITS)
		return 0;
	uint64_t found = 0;
	/* Every candidate is computed and compared in constant time. */
	for (uint64_t s = now_step ? now_step - 1 : 0; s <= now_step + 1; s++) {
		char want[TOTP_DIGITS + 1];
		snprintf(want, sizeof want, "%06u", (unsigned)totp_hotp(TOTP_SHA1, key, keylen, s, TOTP_DIGITS));
		if (CRYPTO_memcmp(want, code, TOTP_DIGITS) == 0 && s > 0)
			found = s;
	}
	return found;
}

void totp_base32(const unsigned char *in, size_t len, char *out, size_t outlen)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	size_t o = 0;
	unsigned buf = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		buf = (buf << 8) | in[i];
		bits += 8;
		while (bits >= 5 && o + 1 < outlen) {
			out[o++] = alphabet[(buf >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0 && o + 1 < outlen)
		out[o++] = alphabet[(buf << (5 - bits)) & 31];
	if (outlen)
		out[o] = '\0';
}
