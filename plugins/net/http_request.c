/* http.request: an HTTP request, made by the daemon under its egress policy. */
#include <stdlib.h>
#include <string.h>

#include "net/blocks.h"
#include "net/paginate.h"
#include "net/response.h"

/* The request for the host: url, method, headers, query, a body (text, JSON,
 * a form or multipart parts) and how to retry a 429 or 503. */
static json_t *build_request(const json_t *inputs, const json_t *config)
{
	json_t *req = json_pack("{s:O, s:O, s:O, s:O, s:{s:O, s:I}}", "url", json_object_get(config, "url"),
	                        "method", json_object_get(config, "method"), "headers", json_object_get(config, "headers"),
	                        "secret_headers", json_object_get(config, "secret_headers"), "retry",
	                        "max", json_object_get(config, "retries"), "max_wait_ms",
	                        (json_int_t)json_integer_value(json_object_get(config, "retry_max_wait_s")) * 1000);
	static const char *const passed[] = { "query", "form", "multipart" };
	for (size_t i = 0; i < sizeof passed / sizeof passed[0]; i++)
		if (json_object_get(config, passed[i]))
			json_object_set(req, passed[i], json_object_get(config, passed[i]));
	const char *credential = json_string_value(json_object_get(config, "credential"));
	if (credential && *credential)
		json_object_set_new(req, "credential", json_string(credential));
	const json_t *body = json_object_get(inputs, "body");
	if (!body)
		body = json_object_get(config, "body");
	if (json_is_string(body)) {
		json_object_set(req, "body", (json_t *)body);
	} else if (body) {
		char *s = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
		json_object_set_new(req, "body", json_string(s ? s : "null"));
		free(s);
		if (!json_object_get(json_object_get(req, "headers"), "Content-Type")) {
			json_t *h = json_deep_copy(json_object_get(req, "headers"));
			json_object_set_new(h, "Content-Type", json_string("application/json"));
			json_object_set_new(req, "headers", h);
		}
	}
	return req;
}

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	char err[600];
	json_t *req = build_request(inputs, config);
	int fail_on_status = json_is_true(json_object_get(config, "fail_on_status"));
	axon_log(ctx, AXON_LOG_INFO, "%s %s", json_string_value(json_object_get(config, "method")),
	         json_string_value(json_object_get(config, "url")));
	if (json_object_get(config, "paginate"))
		return paginate(ctx, req, json_object_get(config, "paginate"), fail_on_status);
	json_t *resp = axon_http(ctx, req, err, sizeof err);
	json_decref(req);
	if (!resp)
		return axon_fail(ctx, "%s", err);
	json_int_t status = json_integer_value(json_object_get(resp, "status"));
	if (json_integer_value(json_object_get(resp, "retries")))
		axon_log(ctx, AXON_LOG_INFO, "answered after %lld retries", (long long)json_integer_value(json_object_get(resp, "retries")));
	if (status >= 400 && fail_on_status) {
		json_decref(resp);
		return axon_fail(ctx, "%s answered with HTTP status %lld", json_string_value(json_object_get(config, "url")), (long long)status);
	}
	response_settle(resp);
	return axon_emit(ctx, "response", resp) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "body", "optional: the request body (a string, or JSON sent as application/json)" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "response", "{\"status\", \"headers\", \"body\"}; with paginate, {\"status\", \"headers\", \"pages\", \"items\", \"more\"}" },
	{ NULL, NULL },
};

const struct axon_block http_request_block = {
	.name = "http.request",
	.version = "1.1.0",
	.title = "HTTP request",
	.description = "Sends an HTTP request and outputs the status, headers and body. A credential is applied by the daemon, unseen by the block.",
	.category = "network",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"url\": {\"type\": \"string\", \"title\": \"URL\", \"description\": \"http:// or https:// address, such as https://api.example.com/orders/{{ trigger.body.id }}; private and local addresses are refused unless axon.conf allows them\"},"
		"\"method\": {\"type\": \"string\", \"title\": \"Method\", \"description\": \"GET to read, POST to create or send, PUT or PATCH to change, DELETE to remove\", \"enum\": [\"GET\", \"POST\", \"PUT\", \"PATCH\", \"DELETE\", \"HEAD\"], \"default\": \"GET\"},"
		"\"headers\": {\"type\": \"object\", \"title\": \"Headers\", \"description\": \"Name: value, such as {\\\"Accept\\\": \\\"application/json\\\"}; put credentials in Headers from secrets instead\", \"default\": {}},"
		"\"credential\": {\"type\": \"string\", \"title\": \"Credential\", \"format\": \"credential\", \"credential_type\": [\"api_key\", \"api_key_query\", \"bearer\", \"basic\", \"client_certificate\", \"oauth2_client\", \"oauth2_code\"], \"description\": \"An API key, token, password or TLS client certificate the daemon adds to the request as its type says, sent only to the url's origin (and the origins the credential allows)\"},"
		"\"secret_headers\": {\"type\": \"object\", \"title\": \"Headers from secrets\", \"description\": \"{\\\"Authorization\\\": {\\\"secret\\\": \\\"NAME\\\", \\\"prefix\\\": \\\"Bearer \\\"}}\", \"default\": {}},"
		"\"query\": {\"type\": \"object\", \"title\": \"Query parameters\", \"description\": \"Added to the URL, encoded: {\\\"q\\\": \\\"two words\\\", \\\"tag\\\": [\\\"a\\\", \\\"b\\\"]}\", \"default\": {}},"
		"\"body\": {\"type\": \"string\", \"title\": \"Body\", \"description\": \"The text to send; without it, the value on the input port body is sent (JSON as application/json)\"},"
		"\"form\": {\"type\": \"object\", \"title\": \"Form body\", \"description\": \"Fields sent as application/x-www-form-urlencoded, instead of a body\"},"
		"\"multipart\": {\"type\": \"object\", \"title\": \"Multipart body\", \"description\": \"Fields sent as multipart/form-data; a value that is binary data ({\\\"base64\\\": ...}) is sent as a file\"},"
		"\"paginate\": {\"type\": \"object\", \"title\": \"Pagination\", \"description\": \"Follow the pages: {\\\"type\\\": \\\"link\\\"} (Link header), {\\\"type\\\": \\\"page\\\", \\\"param\\\": \\\"page\\\"} or {\\\"type\\\": \\\"cursor\\\", \\\"cursor\\\": \\\"meta.next\\\", \\\"param\\\": \\\"cursor\\\"}, with \\\"items\\\" (the path to each page's array) and \\\"max_pages\\\" (default 10)\"},"
		"\"retries\": {\"type\": \"integer\", \"title\": \"Retries\", \"description\": \"How often (0 to 10) a 429 or 503 answer is tried again, after its Retry-After\", \"default\": 2},"
		"\"retry_max_wait_s\": {\"type\": \"integer\", \"title\": \"Longest wait before a retry\", \"description\": \"A Retry-After longer than this (in seconds) is not waited for: the answer is taken as it is\", \"default\": 30},"
		"\"fail_on_status\": {\"type\": \"boolean\", \"title\": \"Fail on a status of 400 or more\", \"description\": \"Fail the block when the server answers with an error status; unset to handle 404 and the like in the workflow\", \"default\": true}},"
		"\"required\": [\"url\"]}",
	.run = run,
};
