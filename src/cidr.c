#include "cidr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* addr as 16 bytes; *v4 set when it was written as IPv4. */
static int parse_addr(const char *s, unsigned char out[16], bool *v4)
{
	struct in_addr a4;
	*v4 = inet_pton(AF_INET, s, &a4) == 1;
	if (*v4) {
		static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
		memcpy(out, mapped, 12);
		memcpy(out + 12, &a4, 4);
		return 0;
	}
	return inet_pton(AF_INET6, s, out) == 1 ? 0 : -1;
}

static int parse_one(const char *item, struct cidr *c, char *err, size_t errlen)
{
	char addr[64];
	const char *slash = strchr(item, '/');
	size_t len = slash ? (size_t)(slash - item) : strlen(item);
	bool v4;
	if (len >= sizeof addr)
		goto bad;
	memcpy(addr, item, len);
	addr[len] = '\0';
	if (parse_addr(addr, c->addr, &v4) < 0)
		goto bad;
	unsigned max = v4 ? 32 : 128;
	unsigned long prefix = max;
	if (slash) {
		char *end;
		errno = 0;
		prefix = strtoul(slash + 1, &end, 10);
		if (end == slash + 1 || *end || errno || prefix > max)
			goto bad;
	}
	c->prefix = (unsigned)prefix + (v4 ? 96 : 0);
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not an address or range such as 127.0.0.1, 10.0.0.0/8 or ::1/128", item);
	return -1;
}

int cidr_parse_list(const char *list, struct cidr *out, size_t max, char *err, size_t errlen)
{
	size_t n = 0;
	char item[128];
	while (*(list += strspn(list, " ,\t"))) {
		size_t len = strcspn(list, " ,\t");
		if (len >= sizeof item) {
			snprintf(err, errlen, "'%.40s...' is too long for an address range", list);
			return -1;
		}
		if (n == max) {
			snprintf(err, errlen, "more than %zu address ranges", max);
			return -1;
		}
		memcpy(item, list, len);
		item[len] = '\0';
		if (parse_one(item, &out[n++], err, errlen) < 0)
			return -1;
		list += len;
	}
	return (int)n;
}

static bool in_range(const struct cidr *c, const unsigned char a[16])
{
	unsigned whole = c->prefix / 8, rest = c->prefix % 8;
	if (memcmp(c->addr, a, whole))
		return false;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return !rest || (c->addr[whole] & mask) == (a[whole] & mask);
}

bool cidr_match(const struct cidr *ranges, size_t n, const char *addr)
{
	unsigned char a[16];
	bool v4;
	if (parse_addr(addr, a, &v4) < 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (in_range(&ranges[i], a))
			return true;
	return false;
}
