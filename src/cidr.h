/* Address ranges in CIDR notation ("192.0.2.0/24", "2001:db8::/32", or one
 * address alone), IPv4 and IPv6, and whether an address falls in one. An
 * IPv4 address written IPv4-mapped ("::ffff:192.0.2.1", as a dual-stack
 * socket reports it) matches IPv4 ranges. */
#ifndef AXON_CIDR_H
#define AXON_CIDR_H
#include <stdbool.h>
#include <stddef.h>

struct cidr {
	int family;                 /* AF_INET or AF_INET6 */
	unsigned char addr[16];     /* network byte order; 4 bytes used for IPv4 */
	int prefix;                 /* bits that must match */
};

/* 0 with *out filled in, or -1 with a sentence in err. Host bits set below
 * the prefix ("192.0.2.1/24") are refused: they say the writer meant
 * something else. */
int cidr_parse(const char *text, struct cidr *out, char *err, size_t errlen);
/* Whether the address (text, as REMOTE_ADDR gives it) is in the range. */
bool cidr_contains(const struct cidr *c, const char *address);

#endif
