/* The pages of a long list: ?page=N read the same way everywhere, and the
 * links to the neighbouring pages keeping the list's other query fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/pages/pages.h"

#define MAX_PAGE 1000000

long req_page(struct request *r)
{
	const char *page = req_query(r, "page");
	if (!page || !*page)
		return 1;
	long p = strlen(page) <= 7 && strspn(page, "0123456789") == strlen(page) ? strtol(page, NULL, 10) : 0;
	if (p < 1 || p > MAX_PAGE) {
		char msg[160];
		snprintf(msg, sizeof msg, "The page number must be a whole number from 1 to %d, not '%.40s'.", MAX_PAGE,
			 page);
		reply_error(r, 400, msg, NULL);
		return 0;
	}
	return p;
}

static json_t *page_url(const char *path, long page, const char *const *params)
{
	struct strbuf url = STRBUF_INIT;
	sb_printf(&url, "%s?page=%ld", path, page);
	for (size_t i = 0; params && params[i]; i += 2) {
		if (!params[i + 1] || !*params[i + 1])
			continue;
		sb_printf(&url, "&%s=", params[i]);
		sb_add_urlenc(&url, params[i + 1]);
	}
	json_t *s = json_string(url.data);
	sb_free(&url);
	return s;
}

void set_pager(json_t *m, const char *path, long page, int64_t total, int per_page, const char *const *params)
{
	int64_t pages = total ? (total + per_page - 1) / per_page : 1;
	json_object_set_new(m, "page", json_integer(page));
	json_object_set_new(m, "pages", json_integer(pages));
	json_object_set_new(m, "total", json_integer(total));
	json_object_set_new(m, "empty", json_boolean(total == 0));
	/* Past the end, "previous" leads to the last page. */
	if (page > 1)
		json_object_set_new(m, "prev_url", page_url(path, page - 1 < pages ? page - 1 : pages, params));
	if (page < pages)
		json_object_set_new(m, "next_url", page_url(path, page + 1, params));
}
