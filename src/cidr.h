/* Address ranges such as "127.0.0.1/32 ::1/128 10.0.0.0/8": axon.conf's
 * metrics_allow, a webhook's allow_from. IPv4 addresses also match as IPv4-mapped IPv6 (::ffff:a.b.c.d). */
#ifndef AXON_CIDR_H
#define AXON_CIDR_H
#include <stdbool.h>
#include <stddef.h>

struct cidr {
	unsigned char addr[16]; /* IPv6, or IPv4-mapped */
	unsigned prefix;        /* over the 128 bits */
};

/* Parses a list separated by spaces or commas; an address without /N is a
 * single host. Returns how many were read (at most max), or -1 with the
 * reason in err. */
int cidr_parse_list(const char *list, struct cidr *out, size_t max, char *err, size_t errlen);
/* True when addr (text, as REMOTE_ADDR gives it) is in one of the ranges. */
bool cidr_match(const struct cidr *ranges, size_t n, const char *addr);

#endif
