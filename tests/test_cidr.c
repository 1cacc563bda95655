/* Address ranges: parsing, refusals with their reasons, and matching,
 * IPv4, IPv6 and IPv4-mapped; binary data there and back. */
#include <stdlib.h>
#include <sys/socket.h>

#include "binary.h"
#include "cidr.h"
#include "testlib.h"

static int in(const char *range, const char *address)
{
	struct cidr c;
	char err[200];
	return cidr_parse(range, &c, err, sizeof err) == 0 && cidr_contains(&c, address);
}

static const char *refusal(const char *range)
{
	static char err[200];
	struct cidr c;
	return cidr_parse(range, &c, err, sizeof err) < 0 ? err : NULL;
}

int main(void)
{
	CHECK(in("192.0.2.0/24", "192.0.2.0") && in("192.0.2.0/24", "192.0.2.255"));
	CHECK(!in("192.0.2.0/24", "192.0.3.0") && !in("192.0.2.0/24", "192.0.1.255"));
	CHECK(in("10.0.0.0/9", "10.127.255.255") && !in("10.0.0.0/9", "10.128.0.0"));
	CHECK(in("198.51.100.7", "198.51.100.7") && !in("198.51.100.7", "198.51.100.8"));
	CHECK(in("0.0.0.0/0", "203.0.113.9") && !in("0.0.0.0/0", "2001:db8::1"));
	CHECK(in("192.0.2.0/24", "::ffff:192.0.2.9")); /* as a dual-stack socket reports it */
	CHECK(in("2001:db8::/32", "2001:db8:ffff:ffff::1") && !in("2001:db8::/32", "2001:db9::"));
	CHECK(in("2001:db8::/33", "2001:db8:7fff::") && !in("2001:db8::/33", "2001:db8:8000::"));
	CHECK(in("::1", "::1") && !in("::1", "127.0.0.1") && !in("::/0", "127.0.0.1"));
	CHECK(!in("192.0.2.0/24", "") && !in("192.0.2.0/24", "unix:") && !in("192.0.2.0/24", "192.0.2"));

	CHECK_STR(refusal("192.0.2.1/24"), "'192.0.2.1/24' has bits set past its /24 prefix: did you mean 192.0.2.0/24?");
	CHECK_STR(refusal("2001:db8::1/32"), "'2001:db8::1/32' has bits set past its /32 prefix: did you mean 2001:db8::/32?");
	CHECK_STR(refusal("10.0.0.0/33"), "'10.0.0.0/33': the prefix after / must be a number of bits from 0 to 32");
	CHECK_STR(refusal("::/129"), "'::/129': the prefix after / must be a number of bits from 0 to 128");
	CHECK(refusal("10.0.0.0/") && refusal("10.0.0.0/-1") && refusal("10.0.0.0/+8") && refusal("10.0.0.0/8x"));
	CHECK_CONTAINS(refusal("example.com"), "'example.com' is not an address range");
	CHECK(refusal("") && refusal("/8") && refusal("10.0.0/8") && refusal("1.2.3.4.5"));
	CHECK(refusal("10.0.0.0/8") == NULL && refusal("::/0") == NULL);

	json_t *b = binary_new("PNG\0\1\2", 6, "image/png", NULL);
	CHECK_STR(json_string_value(json_object_get(b, "base64")), "UE5HAAEC");
	CHECK(json_integer_value(json_object_get(b, "size")) == 6 && !json_object_get(b, "filename"));
	unsigned char *data;
	size_t len;
	char err[200];
	CHECK(binary_is(b) && binary_decode(b, &data, &len, err, sizeof err) == 0 && len == 6 && !memcmp(data, "PNG\0\1\2", 6));
	free(data);
	json_decref(b);
	for (size_t n = 0; n < 4; n++) { /* each amount of padding */
		b = binary_new("abc", n, NULL, NULL);
		CHECK(binary_decode(b, &data, &len, err, sizeof err) == 0 && len == n && !memcmp(data, "abc", n));
		free(data);
		json_decref(b);
	}
	b = json_pack("{s:s}", "base64", "not base64!");
	CHECK(binary_decode(b, &data, &len, err, sizeof err) < 0);
	CHECK_STR(err, "binary data: \"base64\" is not valid base64");
	json_decref(b);
	b = json_string("x");
	CHECK(!binary_is(b));
	json_decref(b);
	return t_done("test_cidr");
}
