#include "build-config.h"
#include "broker/llm.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "clock.h"
#include "strbuf.h"

#define ERROR_BODY_MAX 2048 /* of a refusal, kept to say what it was */

int llm_protocol_named(const char *name)
{
	if (name && !strcmp(name, "openai"))
		return LLM_OPENAI;
	if (name && !strcmp(name, "ollama"))
		return LLM_OLLAMA;
	return -1;
}

void llm_provider_free(struct llm_provider *prov)
{
	if (prov->api_key)
		OPENSSL_cleanse(prov->api_key, strlen(prov->api_key));
	free(prov->api_key);
	free(prov->base_url);
	free(prov->model);
	memset(prov, 0, sizeof *prov);
}

int llm_provider_from_credential(struct llm_provider *prov, const char *ref, int64_t id, const char *type_name,
                                 const json_t *fields, char *err, size_t errlen)
{
	const char *url = json_string_value(json_object_get(fields, "base_url"));
	const char *key = json_string_value(json_object_get(fields, "api_key"));
	const char *model = json_string_value(json_object_get(fields, "model"));
	if (!type_name || strcmp(type_name, "llm")) {
		snprintf(err, errlen, "credential '%.100s' is of type '%s', not an LLM provider (llm)", ref, type_name ? type_name : "");
		return -1;
	}
	if (!url || !*url) {
		snprintf(err, errlen, "credential '%.100s' has no base URL: give it one on its page", ref);
		return -1;
	}
	prov->base_url = xstrdup(url);
	prov->api_key = key && *key ? xstrdup(key) : NULL;
	prov->model = model && *model ? xstrdup(model) : NULL;
	prov->timeout_ms = (long)json_integer_value(json_object_get(fields, "timeout")) * 1000;
	prov->limit = (struct llm_limit){ id, "", (int)json_integer_value(json_object_get(fields, "max_concurrent")),
	                                  (int)json_integer_value(json_object_get(fields, "requests_per_minute")) };
	snprintf(prov->limit.name, sizeof prov->limit.name, "%s", ref);
	return 0;
}

/* Checks what the block asks; 0, or -1 with the reason in err. */
static int check_request(const json_t *req, char *err, size_t errlen)
{
	const json_t *messages = json_object_get(req, "messages"), *m, *embed = json_object_get(req, "embed");
	size_t i;
	if (embed) {
		json_array_foreach(embed, i, m) {
			if (!json_is_string(m)) {
				snprintf(err, errlen, "embed[%zu] must be a text", i);
				return -1;
			}
		}
		if (!json_array_size(embed) || json_array_size(embed) > LLM_EMBED_MAX) {
			snprintf(err, errlen, "\"embed\" must be a list of 1 to %d texts", LLM_EMBED_MAX);
			return -1;
		}
	} else if (!json_array_size(messages)) {
		snprintf(err, errlen, "the request needs \"messages\": [{\"role\": \"user\", \"content\": \"...\"}, ...]");
		return -1;
	}
	json_array_foreach(messages, i, m) {
		const json_t *images = json_object_get(m, "images"), *img;
		size_t j;
		if (!json_is_string(json_object_get(m, "role"))) {
			snprintf(err, errlen, "messages[%zu] needs a \"role\" (system, user, assistant or tool)", i);
			return -1;
		}
		if (images && !json_is_array(images)) {
			snprintf(err, errlen, "messages[%zu].images must be a list", i);
			return -1;
		}
		json_array_foreach(images, j, img) {
			if (!json_string_length(img)) {
				snprintf(err, errlen, "messages[%zu].images[%zu] must be an image's address or its base64 text", i, j);
				return -1;
			}
		}
	}
	static const char *const typed[][2] = { { "temperature", "number" }, { "max_tokens", "integer" },
		{ "schema", "object" }, { "tools", "array" }, { "json", "boolean" }, { "model", "string" } };
	for (i = 0; i < sizeof typed / sizeof typed[0]; i++) {
		json_t *v = json_object_get(req, typed[i][0]);
		const char *want = typed[i][1];
		if (v && !((!strcmp(want, "number") && json_is_number(v)) || (!strcmp(want, "integer") && json_is_integer(v)) ||
		           (!strcmp(want, "object") && json_is_object(v)) || (!strcmp(want, "array") && json_is_array(v)) ||
		           (!strcmp(want, "boolean") && json_is_boolean(v)) || (!strcmp(want, "string") && json_is_string(v)))) {
			snprintf(err, errlen, "\"%s\" must be a%s %s", typed[i][0], want[0] == 'i' || want[0] == 'o' || want[0] == 'a' ? "n" : "", want);
			return -1;
		}
	}
	return 0;
}

static int is_url(const char *s)
{
	return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8) || !strncmp(s, "data:", 5);
}

/* The type of an image given as base64, from its first bytes. */
static const char *image_type(const char *b64)
{
	static const char *const types[][2] = { { "/9j/", "image/jpeg" }, { "iVBOR", "image/png" }, { "R0lG", "image/gif" },
		{ "UklGR", "image/webp" } };
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (!strncmp(b64, types[i][0], strlen(types[i][0])))
			return types[i][1];
	return "image/png";
}

/* An assistant's tool calls ([{"id", "name", "arguments"}], as an answer
 * gives them) and a tool's answer ({"role": "tool", "tool_call_id", "name",
 * "content"}) as the protocol wants them: OpenAI's arguments as JSON text,
 * Ollama's as an object and its tool's answer by tool name. */
static void tool_form(enum llm_protocol protocol, json_t *m)
{
	json_t *calls = json_object_get(m, "tool_calls"), *c, *out = json_array();
	size_t i;
	json_array_foreach(calls, i, c) {
		json_t *args = json_object_get(c, "arguments");
		if (protocol == LLM_OPENAI) {
			char *text = json_is_string(args) ? xstrdup(json_string_value(args))
				: args ? json_dumps(args, JSON_COMPACT | JSON_ENCODE_ANY) : xstrdup("{}");
			json_array_append_new(out, json_pack("{s:O?, s:s, s:{s:O?, s:s}}", "id", json_object_get(c, "id"), "type", "function",
			                                     "function", "name", json_object_get(c, "name"), "arguments", text));
			free(text);
		} else {
			json_array_append_new(out, json_pack("{s:{s:O?, s:O?}}", "function", "name", json_object_get(c, "name"),
			                                     "arguments", args));
		}
	}
	if (calls)
		json_object_set(m, "tool_calls", out);
	json_decref(out);
	if (strcmp(json_string_value(json_object_get(m, "role")), "tool"))
		return;
	if (protocol == LLM_OLLAMA) {
		json_object_set(m, "tool_name", json_object_get(m, "name"));
		json_object_del(m, "tool_call_id");
	}
	json_object_del(m, "name");
}

/* The messages as the protocol wants them. A message's "images" (addresses,
 * data: URLs or base64 text) become OpenAI's content parts, or Ollama's
 * list of base64 texts (Ollama fetches no address: NULL with err). */
static json_t *messages_for(enum llm_protocol protocol, const json_t *messages, char *err, size_t errlen)
{
	json_t *out = json_array(), *m, *img;
	size_t i, j;
	json_array_foreach(messages, i, m) {
		const json_t *images = json_object_get(m, "images");
		json_t *copy = json_deep_copy(m);
		json_array_append_new(out, copy);
		tool_form(protocol, copy);
		if (!json_array_size(images))
			continue;
		json_object_del(copy, "images");
		json_t *parts = json_pack("[{s:s, s:O}]", "type", "text", "text", json_object_get(m, "content")), *list = json_array();
		json_array_foreach(images, j, img) {
			const char *v = json_string_value(img);
			if (protocol == LLM_OPENAI) {
				json_t *url = is_url(v) ? json_string(v) : json_pack("s+++", "data:", image_type(v), ";base64,", v);
				json_array_append_new(parts, json_pack("{s:s, s:{s:o}}", "type", "image_url", "image_url", "url", url));
			} else if (!strncmp(v, "data:", 5) && strstr(v, ";base64,")) {
				json_array_append_new(list, json_string(strstr(v, ";base64,") + 8));
			} else if (is_url(v)) {
				snprintf(err, errlen, "Ollama takes images as base64, not as an address (%.80s): fetch the image with "
				         "http.request and give its body.base64", v);
				json_decref(parts);
				json_decref(list);
				json_decref(out);
				return NULL;
			} else {
				json_array_append(list, img);
			}
		}
		if (protocol == LLM_OPENAI)
			json_object_set_new(copy, "content", parts);
		else
			json_decref(parts);
		if (protocol == LLM_OLLAMA)
			json_object_set_new(copy, "images", list);
		else
			json_decref(list);
	}
	return out;
}

/* [{"name", "description", "parameters"}] as each protocol wants them. */
static json_t *tools_body(const json_t *tools)
{
	json_t *out = json_array(), *t;
	size_t i;
	json_array_foreach(tools, i, t)
		json_array_append_new(out, json_pack("{s:s, s:{s:O?, s:O?, s:O?}}", "type", "function", "function",
		                                     "name", json_object_get(t, "name"), "description", json_object_get(t, "description"),
		                                     "parameters", json_object_get(t, "parameters")));
	return out;
}

static json_t *openai_body(const json_t *req, const char *model, json_t *messages)
{
	json_t *body = json_pack("{s:s, s:o, s:b, s:{s:b}}", "model", model, "messages", messages,
	                         "stream", 1, "stream_options", "include_usage", 1);
	if (json_object_get(req, "temperature"))
		json_object_set(body, "temperature", json_object_get(req, "temperature"));
	if (json_object_get(req, "max_tokens"))
		json_object_set(body, "max_tokens", json_object_get(req, "max_tokens"));
	if (json_object_get(req, "schema"))
		json_object_set_new(body, "response_format", json_pack("{s:s, s:{s:s, s:O}}", "type", "json_schema", "json_schema",
		                                                        "name", "answer", "schema", json_object_get(req, "schema")));
	else if (json_is_true(json_object_get(req, "json")))
		json_object_set_new(body, "response_format", json_pack("{s:s}", "type", "json_object"));
	if (json_array_size(json_object_get(req, "tools")))
		json_object_set_new(body, "tools", tools_body(json_object_get(req, "tools")));
	return body;
}

static json_t *ollama_body(const json_t *req, const char *model, json_t *messages)
{
	json_t *options = json_object();
	json_t *body = json_pack("{s:s, s:o, s:b}", "model", model, "messages", messages, "stream", 1);
	if (json_object_get(req, "temperature"))
		json_object_set(options, "temperature", json_object_get(req, "temperature"));
	if (json_object_get(req, "max_tokens"))
		json_object_set(options, "num_predict", json_object_get(req, "max_tokens"));
	json_object_set_new(body, "options", options);
	if (json_object_get(req, "schema"))
		json_object_set(body, "format", json_object_get(req, "schema"));
	else if (json_is_true(json_object_get(req, "json")))
		json_object_set_new(body, "format", json_string("json"));
	if (json_array_size(json_object_get(req, "tools")))
		json_object_set_new(body, "tools", tools_body(json_object_get(req, "tools")));
	return body;
}

/* Embeddings: {"model", "input": [texts]} to BASE/embeddings (OpenAI) or
 * BASE/api/embed (Ollama). */
static json_t *embed_body(const json_t *req, const char *model)
{
	return json_pack("{s:s, s:O}", "model", model, "input", json_object_get(req, "embed"));
}

/* {"vectors": [[numbers] per text], "usage": {"tokens_in"}, "model"} from
 * the provider's answer, or NULL with the reason in err. */
static json_t *embed_result(enum llm_protocol protocol, const struct strbuf *body, size_t want, char *err, size_t errlen)
{
	json_error_t je;
	json_t *o = json_loadb(body->data ? body->data : "", body->len, 0, &je), *vectors = json_array(), *item;
	json_t *list = protocol == LLM_OPENAI ? json_object_get(o, "data") : json_object_get(o, "embeddings");
	size_t i, j;
	json_array_foreach(list, i, item) {
		json_t *v = protocol == LLM_OPENAI ? json_object_get(item, "embedding") : item, *x;
		json_array_foreach(v, j, x)
			if (!json_is_number(x))
				break;
		if (!json_array_size(v) || j < json_array_size(v))
			break;
		json_array_append(vectors, v);
	}
	if (!o || json_array_size(vectors) != want) {
		snprintf(err, errlen, "the provider's embeddings are not what was asked: %s", !o ? je.text :
		         json_array_size(list) != want ? "not one vector per text" : "a vector that is not a list of numbers");
		json_decref(o);
		json_decref(vectors);
		return NULL;
	}
	json_t *tokens = protocol == LLM_OPENAI ? json_object_get(json_object_get(o, "usage"), "prompt_tokens")
	                                        : json_object_get(o, "prompt_eval_count");
	json_t *r = json_pack("{s:o, s:{}, s:O?}", "vectors", vectors, "usage", "model", json_object_get(o, "model"));
	if (json_is_integer(tokens))
		json_object_set(json_object_get(r, "usage"), "tokens_in", tokens);
	json_decref(o);
	return r;
}

/* One attempt's transfer. */
struct attempt {
	CURL *curl;
	struct egress_guard guard;
	const struct llm_hooks *hooks;
	struct llm_stream stream;
	struct strbuf pending;  /* text of the current network piece */
	struct strbuf refusal;  /* the body of an answer other than 200 */
	struct strbuf *whole;   /* embeddings: the body, read whole */
	long status;
	size_t bytes;
	int too_large;
};

static void collect_text(void *arg, const char *text, size_t len)
{
	sb_add(&((struct attempt *)arg)->pending, text, len);
}

/* Hands the text parsed from the last piece to the hook. */
static void report_text(struct attempt *a)
{
	if (a->pending.len && a->hooks->on_text)
		a->hooks->on_text(a->hooks->arg, a->pending.data, a->pending.len, a->stream.deltas);
	sb_reset(&a->pending);
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct attempt *a = arg;
	(void)size;
	if (!a->status)
		curl_easy_getinfo(a->curl, CURLINFO_RESPONSE_CODE, &a->status);
	a->bytes += n;
	if (a->bytes > a->guard.policy->max_bytes) {
		a->too_large = 1;
		return CURL_WRITEFUNC_ERROR;
	}
	if (a->status != 200) {
		if (a->refusal.len < ERROR_BODY_MAX)
			sb_add(&a->refusal, data, n < ERROR_BODY_MAX - a->refusal.len ? n : ERROR_BODY_MAX - a->refusal.len);
		return n;
	}
	if (a->whole) {
		sb_add(a->whole, data, n);
		return n;
	}
	if (llm_stream_feed(&a->stream, data, n) < 0)
		return CURL_WRITEFUNC_ERROR;
	report_text(a);
	return n;
}

static int on_transfer(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	const struct attempt *a = arg;
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return a->hooks->cancel && *a->hooks->cancel;
}

/* Retry-After in ms (delay-seconds or an HTTP date), or -1 without one. */
static long retry_after(CURL *c)
{
	struct curl_header *h;
	if (curl_easy_header(c, "Retry-After", 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
		return -1;
	const char *v = h->value;
	if (isdigit((unsigned char)*v)) {
		long s = strtol(v, NULL, 10);
		return s > LLM_WAIT_MAX_MS / 1000 + 1 ? LLM_WAIT_MAX_MS + 1000 : s * 1000;
	}
	time_t when = curl_getdate(v, NULL);
	if (when < 0)
		return -1;
	time_t now = time(NULL);
	return when <= now ? 0 : when - now > LLM_WAIT_MAX_MS / 1000 + 1 ? LLM_WAIT_MAX_MS + 1000 : (long)(when - now) * 1000;
}

/* The provider's own words in a refusal: {"error": {"message"}} (OpenAI),
 * {"error": "..."} (Ollama), or the start of the body. */
static void refusal_text(const struct strbuf *body, char *out, size_t outlen)
{
	json_t *o = json_loadb(body->data ? body->data : "", body->len, 0, NULL);
	json_t *e = json_object_get(o, "error");
	const char *m = json_string_value(json_object_get(e, "message"));
	if (!m)
		m = json_string_value(e);
	if (m) {
		snprintf(out, outlen, "%s", m);
	} else {
		snprintf(out, outlen, "%.*s", body->len > 200 ? 200 : (int)body->len, body->data ? body->data : "");
		for (char *c = out; *c; c++)
			if (*c == '\n' || *c == '\r')
				*c = ' ';
	}
	json_decref(o);
}

enum outcome { ANSWERED, RETRY, FAILED };

static enum outcome attempt(struct attempt *a, const struct egress_policy *p, const char *url, const char *body,
                            struct curl_slist *headers, long timeout_ms, long *wait_ms, char *err, size_t errlen)
{
	CURL *c = a->curl;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	a->guard.policy = p;
	egress_guard(c, &a->guard);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms); /* the provider's, not the policy's */
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_transfer);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, a);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "axon/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK && a->status == 0)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a->status);
	if (a->guard.refused[0]) {
		snprintf(err, errlen, "%s", a->guard.refused);
		return FAILED;
	}
	if (a->stream.error) {
		snprintf(err, errlen, "%s", a->stream.error);
		return FAILED;
	}
	if (a->too_large) {
		snprintf(err, errlen, "the answer from %s is larger than %zu bytes (http_max_bytes in axon.conf)", url, p->max_bytes);
		return FAILED;
	}
	if (rc == CURLE_ABORTED_BY_CALLBACK) {
		snprintf(err, errlen, "the run was cancelled while %s was answering", url);
		return FAILED;
	}
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		snprintf(err, errlen, "no complete answer from %s within %ld ms", url, timeout_ms);
		return FAILED;
	}
	if (rc != CURLE_OK && a->status == 200) {
		snprintf(err, errlen, "the answer from %s broke off after %zu characters of text (%s): try again",
		         url, a->stream.text.len, curl_easy_strerror(rc));
		return FAILED;
	}
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s", url, curl_easy_strerror(rc));
		return FAILED;
	}
	if (a->status == 200 && a->whole)
		return ANSWERED;
	if (a->status == 200) {
		int ended = llm_stream_end(&a->stream); /* a last line, or a whole answer, may hold text */
		report_text(a);
		return ended == 0 ? ANSWERED : (snprintf(err, errlen, "%s", a->stream.error), FAILED);
	}
	char said[300];
	refusal_text(&a->refusal, said, sizeof said);
	snprintf(err, errlen, "%s answered with HTTP status %ld: %s", url, a->status, said);
	if (a->status >= 300 && a->status < 400)
		snprintf(err, errlen, "%s answered with a redirect (HTTP %ld), which is not followed: give the address it redirects to as the base URL", url, a->status);
	*wait_ms = retry_after(c);
	return a->status == 429 || a->status == 500 || a->status == 502 || a->status == 503 || a->status == 504 ? RETRY : FAILED;
}

/* Sleeps ms, waking for a cancel; 0, or -1 if cancelled. */
static int pause_ms(long ms, const volatile int *cancel)
{
	int64_t until = mono_ms() + ms;
	while (mono_ms() < until) {
		if (cancel && *cancel)
			return -1;
		int64_t left = until - mono_ms();
		struct timespec ts = { 0, (left > 100 ? 100 : left) * 1000000L };
		nanosleep(&ts, NULL);
	}
	return 0;
}

json_t *llm_call(const struct egress_policy *p, const struct llm_provider *prov, const json_t *req,
                 const struct llm_hooks *h, char *err, size_t errlen)
{
	if (check_request(req, err, errlen))
		return NULL;
	const char *model = json_string_value(json_object_get(req, "model"));
	if (!model || !*model)
		model = prov->model;
	if (!model || !*model) {
		snprintf(err, errlen, "no model named: give the block a model (such as gpt-4o-mini or llama3.2)");
		return NULL;
	}
	struct strbuf url = STRBUF_INIT;
	size_t base = strlen(prov->base_url);
	while (base && prov->base_url[base - 1] == '/')
		base--;
	sb_add(&url, prov->base_url, base);
	const json_t *embed = json_object_get(req, "embed");
	if (embed)
		sb_adds(&url, prov->protocol == LLM_OPENAI ? "/embeddings" : "/api/embed");
	else
		sb_adds(&url, prov->protocol == LLM_OPENAI ? "/chat/completions" : "/api/chat");
	json_t *messages = embed ? NULL : messages_for(prov->protocol, json_object_get(req, "messages"), err, errlen);
	if (!embed && !messages) {
		sb_free(&url);
		return NULL;
	}
	json_t *bodyv = embed ? embed_body(req, model) : prov->protocol == LLM_OPENAI ? openai_body(req, model, messages)
	                                                                               : ollama_body(req, model, messages);
	char *body = json_dumps(bodyv, JSON_COMPACT);
	json_decref(bodyv);
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	headers = curl_slist_append(headers, "Accept: text/event-stream, application/x-ndjson, application/json");
	if (prov->api_key) {
		struct strbuf auth = STRBUF_INIT;
		sb_printf(&auth, "Authorization: Bearer %s", prov->api_key);
		headers = curl_slist_append(headers, sb_str(&auth));
		OPENSSL_cleanse(auth.data, auth.len);
		sb_free(&auth);
	}
	int64_t started = mono_ms();
	long timeout = prov->timeout_ms > 0 ? prov->timeout_ms : LLM_TIMEOUT_MS;
	json_t *result = NULL;
	for (int n = 1;; n++) {
		int64_t left = h->deadline - mono_ms();
		if (left <= 0) {
			snprintf(err, errlen, "no time left to ask %s (the block's wall-clock limit)", sb_str(&url));
			break;
		}
		struct strbuf whole = STRBUF_INIT;
		struct attempt a = { .curl = curl_easy_init(), .hooks = h, .whole = embed ? &whole : NULL };
		if (!a.curl) {
			snprintf(err, errlen, "curl_easy_init failed");
			break;
		}
		llm_stream_init(&a.stream, prov->protocol, collect_text, &a);
		long wait = -1;
		enum outcome o = FAILED;
		if (llm_limit_enter(&prov->limit, h->deadline, h->cancel, err, errlen) == 0) {
			left = h->deadline - mono_ms(); /* after the wait for a turn */
			o = attempt(&a, p, sb_str(&url), body, headers, timeout < left ? timeout : left > 1 ? (long)left : 1, &wait,
			            err, errlen);
			llm_limit_leave(&prov->limit);
		}
		if (o == ANSWERED) {
			result = embed ? embed_result(prov->protocol, &whole, json_array_size(embed), err, errlen) : llm_stream_result(&a.stream);
			o = result ? o : FAILED;
		}
		if (result) {
			if (!json_is_string(json_object_get(result, "model")))
				json_object_set_new(result, "model", json_string(model));
			json_object_set_new(result, "duration_ms", json_integer(mono_ms() - started));
			json_object_set_new(result, "attempts", json_integer(n));
		}
		llm_stream_free(&a.stream);
		sb_free(&whole);
		sb_free(&a.pending);
		sb_free(&a.refusal);
		curl_easy_cleanup(a.curl);
		if (o != RETRY)
			break;
		if (wait < 0)
			wait = 1000L << (n - 1);
		size_t said = strlen(err);
		if (n == LLM_ATTEMPTS) {
			snprintf(err + said, errlen - said, " (after %d attempts)", n);
			break;
		}
		if (wait > LLM_WAIT_MAX_MS) {
			snprintf(err + said, errlen - said, "; it asks to wait more than %d s before trying again, which is longer than Axon waits", LLM_WAIT_MAX_MS / 1000);
			break;
		}
		if (mono_ms() + wait >= h->deadline) {
			snprintf(err + said, errlen - said, "; waiting %ld ms to try again would pass the block's wall-clock limit", wait);
			break;
		}
		if (pause_ms(wait, h->cancel) < 0) {
			snprintf(err, errlen, "the run was cancelled while waiting to ask %s again", sb_str(&url));
			break;
		}
	}
	for (struct curl_slist *l = headers; l; l = l->next) /* the key */
		OPENSSL_cleanse(l->data, strlen(l->data));
	curl_slist_free_all(headers);
	free(body);
	sb_free(&url);
	return result;
}
