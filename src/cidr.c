#include "cidr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The address as 4 bytes (IPv4, also when written IPv4-mapped) or 16. */
static int parse_address(const char *text, unsigned char addr[16], int *family)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (inet_pton(AF_INET, text, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, addr) != 1)
		return -1;
	*family = AF_INET6;
	if (!memcmp(addr, mapped, sizeof mapped)) {
		memmove(addr, addr + 12, 4);
		*family = AF_INET;
	}
	return 0;
}

static bool prefix_equal(const unsigned char *a, const unsigned char *b, int bits)
{
	int whole = bits / 8, rest = bits % 8;
	if (memcmp(a, b, (size_t)whole))
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

int cidr_parse(const char *text, struct cidr *out, char *err, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	if (len < sizeof addr) {
		memcpy(addr, text, len);
		addr[len] = '\0';
	}
	if (len >= sizeof addr || parse_address(addr, out->addr, &out->family) < 0) {
		snprintf(err, errlen, "'%.64s' is not an address range: write an IPv4 or IPv6 address, optionally "
			 "followed by /BITS (such as 192.0.2.0/24 or 2001:db8::/32)", text);
		return -1;
	}
	int max = out->family == AF_INET ? 32 : 128;
	out->prefix = max;
	if (slash) {
		char *end;
		long bits = strtol(slash + 1, &end, 10);
		if (slash[1] < '0' || slash[1] > '9' || *end || bits > max) {
			snprintf(err, errlen, "'%.64s': the prefix after / must be a number of bits from 0 to %d", text, max);
			return -1;
		}
		out->prefix = (int)bits;
	}
	unsigned char net[16];
	memcpy(net, out->addr, sizeof net);
	for (int bit = out->prefix; bit < max; bit++)
		net[bit / 8] &= (unsigned char)~(0x80 >> (bit % 8));
	if (memcmp(net, out->addr, (size_t)max / 8)) {
		char shown[INET6_ADDRSTRLEN];
		inet_ntop(out->family, net, shown, sizeof shown);
		snprintf(err, errlen, "'%.64s' has bits set past its /%d prefix: did you mean %s/%d?", text, out->prefix,
			 shown, out->prefix);
		return -1;
	}
	return 0;
}

bool cidr_contains(const struct cidr *c, const char *address)
{
	unsigned char addr[16];
	int family;
	return parse_address(address, addr, &family) == 0 && family == c->family && prefix_equal(addr, c->addr, c->prefix);
}
