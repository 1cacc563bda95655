/* RSS 2.0 and Atom 1.0 feeds read into one shape, with libxml2, in the
 * sandbox (a feed is untrusted XML: no network, no entity substitution):
 *   {"format": "rss" | "atom", "title", "link", "items": [{"id", "title",
 *    "link", "published", "updated", "summary", "content", "author",
 *    "categories"}]}
 * Dates become ISO 8601 in UTC ("2026-12-02T09:30:00Z"); what a feed leaves
 * out is left out. */
#ifndef AXON_PLUGINS_NET_FEED_H
#define AXON_PLUGINS_NET_FEED_H
#include <stddef.h>

#include <jansson.h>

/* The feed, at most max_items of its items, or NULL with why in err. */
json_t *feed_parse(const char *xml, size_t len, size_t max_items, char *err, size_t errlen);
/* An RFC 822 (RSS) or RFC 3339 (Atom) date as ISO 8601 UTC into out (21
 * bytes at least); 0, or -1 when it is neither. */
int feed_date(const char *text, char *out, size_t outlen);

#endif
