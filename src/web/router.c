#include "web/router.h"

#include <string.h>

/* Splits path into scratch (segments NUL-separated) and matches it against
 * pattern, one segment at a time. */
static int match(const char *pattern, const char *path, const char *params[ROUTE_MAX_PARAMS], char *scratch)
{
	int np = 0;
	const char *p = pattern, *s = path;
	char *out = scratch;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return 0;
		p++, s++;
		size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");
		if (*p == ':') {
			if (slen == 0 || np == ROUTE_MAX_PARAMS)
				return 0;
			memcpy(out, s, slen);
			out[slen] = '\0';
			params[np++] = out;
			out += slen + 1;
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			return 0;
		}
		p += plen, s += slen;
	}
	return *p == '\0' && *s == '\0';
}

const struct route *router_match(const struct route *table, size_t n, const char *method, const char *path,
				 const char *params[ROUTE_MAX_PARAMS], char *scratch, struct strbuf *allow)
{
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	for (size_t i = 0; i < n; i++) {
		const char *tmp[ROUTE_MAX_PARAMS] = { 0 };
		if (!match(table[i].pattern, path, tmp, scratch))
			continue;
		if (strcmp(table[i].method, method) == 0) {
			memcpy(params, tmp, sizeof tmp);
			return &table[i];
		}
		if (!allow->len || !strstr(allow->data, table[i].method)) {
			if (allow->len)
				sb_adds(allow, ", ");
			sb_adds(allow, table[i].method);
			if (strcmp(table[i].method, "GET") == 0)
				sb_adds(allow, ", HEAD");
		}
	}
	return NULL;
}
