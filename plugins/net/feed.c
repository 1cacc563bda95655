#include "net/feed.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "xml_errors.h"

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC "http://purl.org/dc/elements/1.1/"

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static long long days_from_civil(long long y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, long long *y, int *m, int *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int write_iso(long long y, int mo, int d, int h, int mi, int s, int offset_min, char *out, size_t outlen)
{
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || y < 1 || y > 9999)
		return -1;
	long long t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + (s == 60 ? 59 : s) - offset_min * 60LL;
	long long days = t >= 0 ? t / 86400 : (t - 86399) / 86400, sec = t - days * 86400;
	civil_from_days(days, &y, &mo, &d);
	snprintf(out, outlen, "%04lld-%02d-%02dT%02lld:%02lld:%02lldZ", y, mo, d, sec / 3600, sec / 60 % 60, sec % 60);
	return 0;
}

/* "Mon, 02 Dec 2026 09:30:00 +0100" (the day name and the seconds
 * optional; GMT, UT, Z and the US zones too). */
static int rfc822(const char *text, char *out, size_t outlen)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static const struct { const char *name; int minutes; } zones[] = {
		{ "GMT", 0 }, { "UT", 0 }, { "UTC", 0 }, { "Z", 0 }, { "EST", -300 }, { "EDT", -240 },
		{ "CST", -360 }, { "CDT", -300 }, { "MST", -420 }, { "MDT", -360 }, { "PST", -480 }, { "PDT", -420 },
	};
	int d, y, h, mi, sec = 0, n = 0, offset = 0;
	char mon[4] = "", zone[8] = "";
	const char *p = strchr(text, ',') ? strchr(text, ',') + 1 : text;
	if (sscanf(p, " %2d %3s %4d %2d:%2d%n", &d, mon, &y, &h, &mi, &n) != 5)
		return -1;
	p += n;
	if (*p == ':' && sscanf(p, ":%2d%n", &sec, &n) == 1)
		p += n;
	if (sscanf(p, " %7s", zone) != 1)
		return -1;
	const char *m = strstr(months, mon);
	if (strlen(mon) != 3 || !m || (m - months) % 3)
		return -1;
	if ((zone[0] == '+' || zone[0] == '-') && strlen(zone) == 5 && strspn(zone + 1, "0123456789") == 4) {
		offset = ((zone[1] - '0') * 10 + (zone[2] - '0')) * 60 + (zone[3] - '0') * 10 + (zone[4] - '0');
		offset = zone[0] == '-' ? -offset : offset;
	} else {
		size_t i = 0;
		while (i < sizeof zones / sizeof zones[0] && strcasecmp(zone, zones[i].name))
			i++;
		if (i == sizeof zones / sizeof zones[0])
			return -1;
		offset = zones[i].minutes;
	}
	if (y < 100)
		y += y < 50 ? 2000 : 1900;
	return write_iso(y, (int)((m - months) / 3) + 1, d, h, mi, sec, offset, out, outlen);
}

/* "2026-12-02T09:30:00Z", "2026-12-02T09:30:00.123+01:00" (RFC 3339). */
static int rfc3339(const char *text, char *out, size_t outlen)
{
	int y, mo, d, h, mi, sec, n = 0, oh = 0, om = 0, sign = 1;
	if (sscanf(text, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
		return -1;
	const char *p = text + n;
	if (*p == '.')
		p += 1 + strspn(p + 1, "0123456789");
	if (*p == 'Z' || *p == 'z')
		p++;
	else if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) == 2) {
		sign = *p == '-' ? -1 : 1;
		p += 1 + n;
	} else
		return -1;
	if (*p)
		return -1;
	return write_iso(y, mo, d, h, mi, sec, sign * (oh * 60 + om), out, outlen);
}

int feed_date(const char *text, char *out, size_t outlen)
{
	while (isspace((unsigned char)*text))
		text++;
	return rfc3339(text, out, outlen) == 0 || rfc822(text, out, outlen) == 0 ? 0 : -1;
}

/* ---- the feed ---- */

static bool is(const xmlNode *n, const char *ns, const char *name)
{
	if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name))
		return false;
	return ns ? n->ns && !strcmp((const char *)n->ns->href, ns) : !n->ns;
}

static const xmlNode *child(const xmlNode *parent, const char *ns, const char *name)
{
	for (const xmlNode *c = parent->children; c; c = c->next)
		if (is(c, ns, name))
			return c;
	return NULL;
}

/* The element's text, trimmed, as a new JSON string, or NULL when empty. */
static json_t *text_of(const xmlNode *n)
{
	xmlChar *text = xmlNodeGetContent(n);
	const char *s = (const char *)text;
	json_t *v = NULL;
	if (s) {
		while (isspace((unsigned char)*s))
			s++;
		size_t len = strlen(s);
		while (len && isspace((unsigned char)s[len - 1]))
			len--;
		v = len ? json_stringn(s, len) : NULL;
	}
	xmlFree(text);
	return v;
}

/* The element's text at key, unless the key is set already or there is none. */
static void set_text(json_t *o, const char *key, const xmlNode *n)
{
	json_t *v = n && !json_object_get(o, key) ? text_of(n) : NULL;
	if (v)
		json_object_set_new(o, key, v);
}

static void set_date(json_t *o, const char *key, const xmlNode *n)
{
	char iso[32];
	xmlChar *text = n ? xmlNodeGetContent(n) : NULL;
	if (text && !json_object_get(o, key) && feed_date((const char *)text, iso, sizeof iso) == 0)
		json_object_set_new(o, key, json_string(iso));
	xmlFree(text);
}

/* Atom's <link href> of rel="alternate" (or without rel). */
static void set_atom_link(json_t *o, const xmlNode *parent)
{
	for (const xmlNode *c = parent->children; c; c = c->next) {
		if (!is(c, NS_ATOM, "link"))
			continue;
		xmlChar *rel = xmlGetProp(c, (const xmlChar *)"rel"), *href = xmlGetProp(c, (const xmlChar *)"href");
		if (href && (!rel || !strcmp((const char *)rel, "alternate")) && !json_object_get(o, "link"))
			json_object_set_new(o, "link", json_string((const char *)href));
		xmlFree(rel);
		xmlFree(href);
	}
}

static json_t *rss_item(const xmlNode *it)
{
	json_t *o = json_object(), *cats = json_array();
	set_text(o, "id", child(it, NULL, "guid"));
	set_text(o, "title", child(it, NULL, "title"));
	set_text(o, "link", child(it, NULL, "link"));
	set_date(o, "published", child(it, NULL, "pubDate"));
	set_date(o, "published", child(it, NS_DC, "date"));
	set_text(o, "summary", child(it, NULL, "description"));
	set_text(o, "content", child(it, NS_CONTENT, "encoded"));
	set_text(o, "author", child(it, NULL, "author"));
	set_text(o, "author", child(it, NS_DC, "creator"));
	for (const xmlNode *c = it->children; c; c = c->next)
		if (is(c, NULL, "category")) {
			json_t *v = text_of(c);
			if (v)
				json_array_append_new(cats, v);
		}
	if (!json_object_get(o, "id"))
		set_text(o, "id", child(it, NULL, "link"));
	json_object_set_new(o, "categories", cats);
	return o;
}

static json_t *atom_entry(const xmlNode *e)
{
	json_t *o = json_object(), *cats = json_array();
	const xmlNode *author = child(e, NS_ATOM, "author");
	set_text(o, "id", child(e, NS_ATOM, "id"));
	set_text(o, "title", child(e, NS_ATOM, "title"));
	set_atom_link(o, e);
	set_date(o, "published", child(e, NS_ATOM, "published"));
	set_date(o, "updated", child(e, NS_ATOM, "updated"));
	set_text(o, "summary", child(e, NS_ATOM, "summary"));
	set_text(o, "content", child(e, NS_ATOM, "content"));
	set_text(o, "author", author ? child(author, NS_ATOM, "name") : NULL);
	for (const xmlNode *c = e->children; c; c = c->next)
		if (is(c, NS_ATOM, "category")) {
			xmlChar *term = xmlGetProp(c, (const xmlChar *)"term");
			if (term && *term)
				json_array_append_new(cats, json_string((const char *)term));
			xmlFree(term);
		}
	json_object_set_new(o, "categories", cats);
	return o;
}

json_t *feed_parse(const char *xml, size_t len, size_t max_items, char *err, size_t errlen)
{
	struct xml_errors errs;
	if (len > 0x7fffffff) {
		snprintf(err, errlen, "the feed is too large (%zu bytes)", len);
		return NULL;
	}
	xml_errors_catch(&errs);
	/* No network, no entities substituted, no DTD loaded: nothing in the feed reaches out. */
	xmlDocPtr doc = xmlReadMemory(xml, (int)len, "feed.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOCDATA);
	if (!doc) {
		snprintf(err, errlen, "the answer is not well-formed XML%s%s", errs.first[0] ? ": " : "", errs.first);
		return NULL;
	}
	const xmlNode *root = xmlDocGetRootElement(doc), *channel = root ? child(root, NULL, "channel") : NULL;
	json_t *feed = NULL, *items = json_array();
	if (root && is(root, NULL, "rss") && channel) {
		feed = json_pack("{s:s}", "format", "rss");
		set_text(feed, "title", child(channel, NULL, "title"));
		set_text(feed, "link", child(channel, NULL, "link"));
		for (const xmlNode *c = channel->children; c && json_array_size(items) < max_items; c = c->next)
			if (is(c, NULL, "item"))
				json_array_append_new(items, rss_item(c));
	} else if (root && is(root, NS_ATOM, "feed")) {
		feed = json_pack("{s:s}", "format", "atom");
		set_text(feed, "title", child(root, NS_ATOM, "title"));
		set_atom_link(feed, root);
		for (const xmlNode *c = root->children; c && json_array_size(items) < max_items; c = c->next)
			if (is(c, NS_ATOM, "entry"))
				json_array_append_new(items, atom_entry(c));
	} else {
		snprintf(err, errlen, "the answer is XML but not a feed: its root is <%s>, where RSS 2.0 has <rss> with a "
			 "<channel> and Atom has <feed xmlns=\"" NS_ATOM "\">", root ? (const char *)root->name : "");
	}
	if (feed)
		json_object_set_new(feed, "items", items);
	else
		json_decref(items);
	xmlFreeDoc(doc);
	return feed;
}
