/* metrics_allow's address ranges: IPv4, IPv6, mapped IPv4, and bad lists refused with the item named. */
#include "cidr.h"
#include "testlib.h"

int main(void)
{
	struct cidr r[8];
	char err[200];
	int n = cidr_parse_list("127.0.0.1, 10.1.0.0/16  ::1 fd00::/8", r, 8, err, sizeof err);
	CHECK(n == 4);
	CHECK(cidr_match(r, (size_t)n, "127.0.0.1"));
	CHECK(!cidr_match(r, (size_t)n, "127.0.0.2"));
	CHECK(cidr_match(r, (size_t)n, "10.1.255.3"));
	CHECK(!cidr_match(r, (size_t)n, "10.2.0.1"));
	CHECK(cidr_match(r, (size_t)n, "::ffff:10.1.0.9"));
	CHECK(cidr_match(r, (size_t)n, "::1"));
	CHECK(cidr_match(r, (size_t)n, "fdab::1"));
	CHECK(!cidr_match(r, (size_t)n, "fe80::1"));
	CHECK(!cidr_match(r, (size_t)n, ""));
	CHECK(!cidr_match(r, (size_t)n, "unix:"));

	CHECK(cidr_parse_list("0.0.0.0/0", r, 8, err, sizeof err) == 1 && cidr_match(r, 1, "192.0.2.1"));
	CHECK(!cidr_match(r, 1, "2001:db8::1")); /* an IPv4 range holds no IPv6 address */
	CHECK(cidr_parse_list("10.0.0.1/12", r, 8, err, sizeof err) == 1 && cidr_match(r, 1, "10.15.0.0"));
	CHECK(cidr_parse_list("", r, 8, err, sizeof err) == 0);

	CHECK(cidr_parse_list("127.0.0.1 localhost", r, 8, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "'localhost' is not an address");
	CHECK(cidr_parse_list("10.0.0.0/33", r, 8, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "10.0.0.0/33");
	CHECK(cidr_parse_list("::1/129", r, 8, err, sizeof err) == -1);
	CHECK(cidr_parse_list("10.0.0.0/", r, 8, err, sizeof err) == -1);
	CHECK(cidr_parse_list("1.1.1.1 2.2.2.2", r, 1, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "more than 1");
	return t_done("test_cidr");
}
