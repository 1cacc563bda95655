/* Password hashing, tokens and HMAC. */
#include <stdlib.h>

#include "crypto.h"
#include "testlib.h"

int main(void)
{
	char *h = password_hash("correct horse");
	CHECK(h != NULL);
	CHECK_CONTAINS(h, "scrypt$16384$8$1$");
	CHECK(password_verify("correct horse", h) == 1);
	CHECK(password_verify("correct horsf", h) == 0);
	CHECK(password_verify("", h) == 0);
	char *h2 = password_hash("correct horse");
	CHECK(strcmp(h, h2) != 0); /* salted */
	CHECK(password_verify("x", "scrypt$garbage") == 0);
	CHECK(password_verify("x", "") == 0);
	CHECK(password_verify("x", "scrypt$99999999$8$1$00000000000000000000000000000000$00") == 0);
	free(h);
	free(h2);

	char a[65], b[65];
	CHECK(crypto_token(a) == 0 && crypto_token(b) == 0);
	CHECK(strlen(a) == 64 && strcmp(a, b) != 0);
	crypto_sha256_hex("abc", 3, a);
	CHECK_STR(a, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	crypto_hmac_hex("key", 3, "The quick brown fox jumps over the lazy dog", 43, a);
	CHECK_STR(a, "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
	CHECK(crypto_equal("abc", "abc") && !crypto_equal("abc", "abd") && !crypto_equal("abc", "ab"));
	return t_done("crypto");
}
