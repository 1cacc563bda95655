#include "net/paginate.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_path.h"

#define PAGES_DEFAULT 10
#define PAGES_MAX 1000

enum mode { BY_LINK, BY_PAGE, BY_CURSOR };

struct how {
	enum mode mode;
	const char *param;   /* the query parameter of BY_PAGE and BY_CURSOR */
	json_int_t start;    /* the first page number */
	const char *cursor;  /* the body's path to the next cursor */
	const char *items;   /* the body's path to the page's items ("" the body) */
	json_int_t max_pages;
};

static int read_how(struct axon_ctx *ctx, const json_t *o, struct how *h)
{
	const char *type = json_string_value(json_object_get(o, "type"));
	const json_t *max = json_object_get(o, "max_pages"), *start = json_object_get(o, "start");
	if (!json_is_object(o) || !type || (strcmp(type, "link") && strcmp(type, "page") && strcmp(type, "cursor")))
		return axon_fail(ctx, "paginate: \"type\" must be \"link\" (the Link header's next), \"page\" (a page "
				      "number in the query) or \"cursor\" (a cursor from the body)");
	h->mode = !strcmp(type, "link") ? BY_LINK : !strcmp(type, "page") ? BY_PAGE : BY_CURSOR;
	h->param = json_string_value(json_object_get(o, "param"));
	if (!h->param)
		h->param = h->mode == BY_PAGE ? "page" : "cursor";
	h->cursor = json_string_value(json_object_get(o, "cursor"));
	h->items = json_string_value(json_object_get(o, "items"));
	if (!h->items)
		h->items = "";
	h->start = start ? json_integer_value(start) : 1;
	h->max_pages = max ? json_integer_value(max) : PAGES_DEFAULT;
	if (h->mode == BY_CURSOR && !h->cursor)
		return axon_fail(ctx, "paginate: a cursor needs \"cursor\", the path in the body to the next page's "
				      "cursor (such as \"meta.next_cursor\")");
	if ((max && !json_is_integer(max)) || h->max_pages < 1 || h->max_pages > PAGES_MAX)
		return axon_fail(ctx, "paginate: \"max_pages\" must be a whole number from 1 to %d", PAGES_MAX);
	if (start && !json_is_integer(start))
		return axon_fail(ctx, "paginate: \"start\" must be a whole number");
	return AXON_OK;
}

/* "scheme://host:port" of an absolute http(s) URL (malloc'd), or NULL. */
static char *origin_of(const char *url)
{
	const char *p = strstr(url, "://");
	if (!p || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)))
		return NULL;
	size_t n = strcspn(p + 3, "/?#");
	return strndup(url, (size_t)(p + 3 - url) + n);
}

/* The rel="next" target of a Link header (malloc'd), or NULL. */
static char *next_link(const char *link)
{
	const char *p = link;
	while (p && *p) {
		const char *lt = strchr(p, '<'), *gt = lt ? strchr(lt, '>') : NULL;
		if (!gt)
			return NULL;
		const char *end = strchr(gt, ',') ?: gt + strlen(gt);
		char *params = strndup(gt + 1, (size_t)(end - gt - 1));
		const char *rel = params ? strstr(params, "rel=") : NULL;
		bool next = false;
		if (rel) {
			rel += 4 + (rel[4] == '"');
			for (const char *w = rel; *w && *w != '"' && *w != ';';) {
				size_t n = strcspn(w, " \";");
				next |= n == 4 && !strncmp(w, "next", 4);
				w += n + (w[n] == ' ');
			}
		}
		free(params);
		if (next)
			return strndup(lt + 1, (size_t)(gt - lt - 1));
		p = *end ? end + 1 : NULL;
	}
	return NULL;
}

/* Points req at the page after this one; 0, 1 when there is none, or -1 after failing. */
static int next_page(struct axon_ctx *ctx, const struct how *h, json_t *req, const json_t *resp, const json_t *body,
		     size_t got, const char *origin)
{
	json_t *query = json_object_get(req, "query");
	if (h->mode == BY_PAGE) {
		if (!got)
			return 1;
		json_int_t n = json_integer_value(json_object_get(query, h->param));
		json_object_set_new(query, h->param, json_integer(n + 1));
		return 0;
	}
	if (h->mode == BY_CURSOR) {
		const json_t *c = jpath_get(body, h->cursor);
		if (!c || json_is_null(c) || (json_is_string(c) && !json_string_length(c)) || json_is_false(c))
			return 1;
		if (!json_is_string(c) && !json_is_integer(c)) {
			axon_fail(ctx, "paginate: the cursor at '%s' is neither text nor a number", h->cursor);
			return -1;
		}
		json_object_set(query, h->param, (json_t *)c);
		return 0;
	}
	const char *link = json_string_value(json_object_get(json_object_get(resp, "headers"), "link"));
	char *next = link ? next_link(link) : NULL;
	if (!next)
		return 1;
	char *to = NULL;
	if (next[0] == '/' && next[1] != '/') {
		size_t n = strlen(origin) + strlen(next) + 1;
		if ((to = malloc(n)))
			snprintf(to, n, "%s%s", origin, next);
	} else {
		char *o = origin_of(next);
		if (o && !strcmp(o, origin))
			to = strdup(next);
		free(o);
	}
	if (!to) {
		axon_fail(ctx, "paginate: the next page's link %.200s is not on %s, where the first page was asked for; "
			       "pagination follows links on that origin only", next, origin);
		free(next);
		return -1;
	}
	free(next);
	json_object_set_new(req, "url", json_string(to));
	json_object_del(req, "query"); /* the link carries the whole query */
	free(to);
	return 0;
}

int paginate(struct axon_ctx *ctx, json_t *req, const json_t *how, int fail_on_status)
{
	struct how h = { 0 };
	char err[600];
	if (read_how(ctx, how, &h) != AXON_OK) {
		json_decref(req);
		return AXON_FAIL;
	}
	char *origin = origin_of(json_string_value(json_object_get(req, "url")) ?: "");
	if (!json_is_object(json_object_get(req, "query")))
		json_object_set_new(req, "query", json_object());
	if (h.mode == BY_PAGE)
		json_object_set_new(json_object_get(req, "query"), h.param, json_integer(h.start));
	json_t *items = json_array(), *resp = NULL;
	int pages = 0, rc = AXON_FAIL, more = 0;
	for (;;) {
		json_decref(resp);
		resp = axon_http(ctx, req, err, sizeof err);
		if (!resp) {
			axon_fail(ctx, "page %d: %s", pages + 1, err);
			break;
		}
		pages++;
		json_int_t status = json_integer_value(json_object_get(resp, "status"));
		if (status >= 400) {
			if (fail_on_status)
				axon_fail(ctx, "page %d: %s answered with HTTP status %lld", pages,
					  json_string_value(json_object_get(req, "url")), (long long)status);
			else
				rc = AXON_OK;
			break;
		}
		const char *text = json_string_value(json_object_get(resp, "body"));
		json_t *body = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
		const json_t *page = body ? jpath_get(body, h.items) : NULL;
		if (!json_is_array(page)) {
			axon_fail(ctx, "page %d: %s", pages, !body ? "the answer is not JSON, so its items cannot be read"
				  : "there is no array of items at the path given in paginate's \"items\"");
			json_decref(body);
			break;
		}
		json_array_extend(items, (json_t *)page);
		axon_log(ctx, AXON_LOG_INFO, "page %d: %zu items", pages, json_array_size(page));
		int next = next_page(ctx, &h, req, resp, body, json_array_size(page), origin ? origin : "");
		json_decref(body);
		if (next < 0)
			break;
		if (next > 0 || pages >= h.max_pages) {
			more = next == 0;
			rc = AXON_OK;
			break;
		}
	}
	if (rc == AXON_OK) {
		json_t *out = json_pack("{s:O, s:O, s:i, s:O, s:b}", "status", json_object_get(resp, "status"), "headers",
					json_object_get(resp, "headers"), "pages", pages, "items", items, "more", more);
		if (more)
			axon_log(ctx, AXON_LOG_WARN, "stopped after %d pages (paginate's max_pages); there are more", pages);
		rc = axon_emit(ctx, "response", out) == 0 ? AXON_OK : AXON_FAIL;
	}
	json_decref(resp);
	json_decref(items);
	json_decref(req);
	free(origin);
	return rc;
}
