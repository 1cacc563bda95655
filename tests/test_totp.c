/* TOTP against RFC 6238's own test vectors (Appendix B), the window of one
 * step either way, base32, and the sealing of the secret. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "crypto.h"
#include "testlib.h"
#include "totp.h"

static const struct {
	int64_t t;
	uint32_t sha1, sha256, sha512;
} rfc6238[] = {
	{ 59, 94287082, 46119246, 90693936 },
	{ 1111111109, 7081804, 68084774, 25091201 },
	{ 1111111111, 14050471, 67062674, 99943326 },
	{ 1234567890, 89005924, 91819424, 93441116 },
	{ 2000000000, 69279037, 90698825, 38618901 },
	{ 20000000000, 65353130, 77737706, 47863826 },
};

int main(void)
{
	const unsigned char *k20 = (const unsigned char *)"12345678901234567890";
	const unsigned char *k32 = (const unsigned char *)"12345678901234567890123456789012";
	const unsigned char *k64 = (const unsigned char *)"1234567890123456789012345678901234567890"
							  "123456789012345678901234";
	for (size_t i = 0; i < sizeof rfc6238 / sizeof rfc6238[0]; i++) {
		uint64_t s = totp_step(rfc6238[i].t);
		CHECK(totp_hotp(TOTP_SHA1, k20, 20, s, 8) == rfc6238[i].sha1);
		CHECK(totp_hotp(TOTP_SHA256, k32, 32, s, 8) == rfc6238[i].sha256);
		CHECK(totp_hotp(TOTP_SHA512, k64, 64, s, 8) == rfc6238[i].sha512);
	}
	/* RFC 4226 Appendix D: HOTP, six digits. */
	CHECK(totp_hotp(TOTP_SHA1, k20, 20, 0, 6) == 755224);
	CHECK(totp_hotp(TOTP_SHA1, k20, 20, 9, 6) == 520489);

	/* The step now, one before and one after match; two away do not. */
	uint64_t now = totp_step(1234567890);
	char code[8];
	for (int d = -2; d <= 2; d++) {
		snprintf(code, sizeof code, "%06u", (unsigned)totp_hotp(TOTP_SHA1, k20, 20, now + d, 6));
		CHECK(totp_match(k20, 20, now, code) == (d >= -1 && d <= 1 ? now + d : 0));
	}
	CHECK(totp_match(k20, 20, now, "12345") == 0);
	CHECK(totp_match(k20, 20, now, "12345a") == 0);
	CHECK(totp_match(k20, 20, now, "") == 0);
	CHECK(totp_match(k20, 20, now, NULL) == 0);

	char b32[64];
	totp_base32((const unsigned char *)"foobar", 6, b32, sizeof b32);
	CHECK_STR(b32, "MZXW6YTBOI"); /* RFC 4648 §10, without padding */
	totp_base32(k20, 20, b32, sizeof b32);
	CHECK_STR(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");

	unsigned char key[32] = { 1, 2, 3 }, out[32];
	size_t len = 0;
	char *sealed = crypto_seal(key, k20, 20);
	CHECK(sealed != NULL);
	CHECK(crypto_open(key, sealed, out, sizeof out, &len) == 0 && len == 20 && !memcmp(out, k20, 20));
	CHECK(crypto_open(key, sealed, out, 10, &len) == -1); /* does not fit */
	sealed[30] = sealed[30] == '0' ? '1' : '0';
	CHECK(crypto_open(key, sealed, out, sizeof out, &len) == -1); /* tampered */
	key[0] = 9;
	sealed[30] = sealed[30] == '0' ? '1' : '0';
	CHECK(crypto_open(key, sealed, out, sizeof out, &len) == -1); /* another key */
	CHECK(crypto_open(key, "zz", out, sizeof out, &len) == -1);
	free(sealed);
	return t_done("totp");
}
