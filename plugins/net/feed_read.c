/* feed.read: an RSS 2.0 or Atom feed, fetched by the daemon under its
 * egress policy and read here, in the sandbox, with libxml2: a feed is
 * untrusted XML, and the confined worker is where such input is parsed. */
#include <string.h>

#include "net/blocks.h"
#include "net/feed.h"

#define ITEMS_DEFAULT 50

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	char err[600];
	const char *url = json_string_value(json_object_get(config, "url"));
	json_int_t max = json_integer_value(json_object_get(config, "max_items"));
	(void)inputs;
	if (max < 1 || max > 10000)
		return axon_fail(ctx, "max_items must be a whole number from 1 to 10000");
	json_t *req = json_pack("{s:s, s:{s:s}, s:{s:i}}", "url", url, "headers", "Accept",
				"application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5", "retry", "max", 2);
	json_t *resp = axon_http(ctx, req, err, sizeof err);
	json_decref(req);
	if (!resp)
		return axon_fail(ctx, "%s", err);
	json_int_t status = json_integer_value(json_object_get(resp, "status"));
	const char *body = json_string_value(json_object_get(resp, "body"));
	if (status >= 400 || !body) {
		json_decref(resp);
		return axon_fail(ctx, status >= 400 ? "%s answered with HTTP status %lld" : "%s answered with bytes that are not text",
				 url, (long long)status);
	}
	json_t *feed = feed_parse(body, strlen(body), (size_t)max, err, sizeof err);
	json_decref(resp);
	if (!feed)
		return axon_fail(ctx, "%s: %s", url, err);
	axon_log(ctx, AXON_LOG_INFO, "%s feed, %zu items", json_string_value(json_object_get(feed, "format")),
		 json_array_size(json_object_get(feed, "items")));
	return axon_emit(ctx, "feed", feed) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "feed", "{\"format\", \"title\", \"link\", \"items\": [{\"id\", \"title\", \"link\", \"published\", \"updated\", \"summary\", \"content\", \"author\", \"categories\"}]}" },
	{ NULL, NULL },
};

const struct axon_block feed_read_block = {
	.name = "feed.read",
	.version = "1.0.0",
	.title = "Read a feed",
	.description = "Fetches an RSS 2.0 or Atom feed and outputs its items in one shape, dates in ISO 8601 UTC.",
	.category = "network",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"url\": {\"type\": \"string\", \"title\": \"Feed URL\", \"description\": \"http:// or https:// address of the RSS or Atom feed\"},"
		"\"max_items\": {\"type\": \"integer\", \"title\": \"Items at most\", \"description\": \"The first items of the feed, in its order (1 to 10000)\", \"default\": 50}},"
		"\"required\": [\"url\"]}",
	.run = run,
};
