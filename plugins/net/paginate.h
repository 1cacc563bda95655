/* http.request's pagination: one request per page, the pages' items put
 * together, until the API says there is no next page or max_pages is
 * reached. Three ways an API says where the next page is:
 *   "link":   the Link header's rel="next" (GitHub, GitLab...);
 *   "page":   a page number in the query ("param", from "start"), until a
 *             page has no items;
 *   "cursor": a value in the body ("cursor", a dotted path) sent back in the
 *             query ("param"), until it is missing, null or "". */
#ifndef AXON_PLUGINS_NET_PAGINATE_H
#define AXON_PLUGINS_NET_PAGINATE_H
#include <axon/block.h>

/* Makes the requests (req is the first page's, given away) and emits
 * {"status", "headers", "pages", "items", "more"} on response, the status and
 * headers of the last page. Returns AXON_OK or AXON_FAIL. */
int paginate(struct axon_ctx *ctx, json_t *req, const json_t *how, int fail_on_status);

#endif
