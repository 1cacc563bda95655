/* The broker's language model calls (src/broker/llm.c) over real HTTP, against
 * the scripted stand-in: a tool call whose name and arguments arrive in
 * fragments in both protocols, the text handed over piece by piece, a 429
 * asked again, a provider that stays down given up within the deadline, the
 * request's own mistakes, and the egress policy; and an llm credential's
 * limits (src/broker/llm_limit.c). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "../testlib.h"
#include "broker/llm.h"
#include "clock.h"
#include "http_server.h"
#include "strbuf.h"

static char err[800];

static void collect(void *arg, const char *text, size_t len, long deltas)
{
	(void)deltas;
	sb_add(arg, text, len);
}

static json_t *ask(const struct egress_policy *p, enum llm_protocol protocol, int port, const char *model,
                   const char *extra, struct strbuf *pieces, int64_t deadline_ms)
{
	char url[128];
	snprintf(url, sizeof url, protocol == LLM_OPENAI ? "http://127.0.0.1:%d/v1/" : "http://127.0.0.1:%d", port);
	struct llm_provider prov = { .protocol = protocol, .base_url = url };
	json_t *req = json_pack("{s:s, s:[{s:s, s:s}]}", "model", model, "messages", "role", "user", "content", "hello there");
	json_t *more = extra ? json_loads(extra, 0, NULL) : NULL;
	json_object_update(req, more);
	json_decref(more);
	struct llm_hooks h = { collect, pieces, NULL, mono_ms() + deadline_ms };
	err[0] = '\0';
	json_t *r = llm_call(p, &prov, req, &h, err, sizeof err);
	json_decref(req);
	return r;
}

static void tool_calls(const struct egress_policy *p, int port)
{
	const char *tools = "{\"tools\": [{\"name\": \"look_up\", \"description\": \"a city\", \"parameters\": {\"type\": \"object\"}}]}";
	for (int protocol = LLM_OPENAI; protocol <= LLM_OLLAMA; protocol++) {
		struct strbuf pieces = STRBUF_INIT;
		json_t *r = ask(p, (enum llm_protocol)protocol, port, "tools", tools, &pieces, 10000);
		json_t *call = json_array_get(json_object_get(r, "tool_calls"), 0);
		CHECK_STR(json_string_value(json_object_get(call, "name")), "look_up");
		CHECK_STR(json_string_value(json_object_get(json_object_get(call, "arguments"), "city")), "Lyon");
		CHECK(json_integer_value(json_object_get(json_object_get(r, "usage"), "tokens_in")) == 2);
		CHECK_STR(json_string_value(json_object_get(r, "model")), "tools");
		if (!r)
			fprintf(stderr, "tools: %s\n", err);
		json_decref(r);
		sb_free(&pieces);
	}
}

static void streamed(const struct egress_policy *p, int port)
{
	struct strbuf pieces = STRBUF_INIT;
	json_t *r = ask(p, LLM_OPENAI, port, "chunky", "{\"max_tokens\": 20, \"temperature\": 0.5}", &pieces, 10000);
	CHECK_STR(json_string_value(json_object_get(r, "text")), "Hello, w\xc3\xb6rld! \xe2\x98\x83 \xf0\x9f\x98\x80");
	CHECK_STR(sb_str(&pieces), json_string_value(json_object_get(r, "text")));
	CHECK(json_integer_value(json_object_get(r, "attempts")) == 1);
	json_decref(r);
	/* A server that answers in one piece, not as a stream: its text is still handed over. */
	for (int protocol = LLM_OPENAI; protocol <= LLM_OLLAMA; protocol++) {
		sb_reset(&pieces);
		r = ask(p, (enum llm_protocol)protocol, port, "plain", NULL, &pieces, 10000);
		CHECK_STR(json_string_value(json_object_get(r, "text")), "not streamed");
		CHECK_STR(sb_str(&pieces), "not streamed");
		json_decref(r);
	}
	sb_free(&pieces);
}

static void retries(const struct egress_policy *p, int port)
{
	struct strbuf pieces = STRBUF_INIT;
	json_t *r = ask(p, LLM_OPENAI, port, "busy", NULL, &pieces, 10000);
	CHECK_STR(json_string_value(json_object_get(r, "text")), "echo: hello there");
	CHECK(json_integer_value(json_object_get(r, "attempts")) == 2);
	json_decref(r);
	/* Down for good: the pauses (1 s, then 2 s) soon pass a 2.5 s deadline. */
	r = ask(p, LLM_OPENAI, port, "down", NULL, &pieces, 2500);
	CHECK(r == NULL);
	CHECK_CONTAINS(err, "answered with HTTP status 503: the model is loading; waiting");
	CHECK_CONTAINS(err, "ms to try again would pass the block's wall-clock limit");
	sb_free(&pieces);
}

static void refusals(const struct egress_policy *p, int port)
{
	struct strbuf pieces = STRBUF_INIT;
	struct egress_policy strict = *p;
	strict.allow_loopback = false;
	CHECK(ask(&strict, LLM_OPENAI, port, "echo", NULL, &pieces, 5000) == NULL);
	CHECK_CONTAINS(err, "egress refused: 127.0.0.1 is a loopback address");
	CHECK(ask(p, LLM_OPENAI, port, "echo", "{\"messages\": []}", &pieces, 5000) == NULL);
	CHECK_CONTAINS(err, "the request needs \"messages\"");
	CHECK(ask(p, LLM_OPENAI, port, "echo", "{\"max_tokens\": \"many\"}", &pieces, 5000) == NULL);
	CHECK_CONTAINS(err, "\"max_tokens\" must be an integer");
	CHECK(ask(p, LLM_OPENAI, port, "", NULL, &pieces, 5000) == NULL);
	CHECK_CONTAINS(err, "no model named");
	CHECK(ask(p, LLM_OLLAMA, port, "dropped", NULL, &pieces, 5000) == NULL);
	CHECK_CONTAINS(err, "broke off after");
	sb_free(&pieces);
}

static void *wait_turn(void *l)
{
	static char why[300];
	return (void *)(intptr_t)llm_limit_enter(l, mono_ms() + 60000, NULL, why, sizeof why);
}

/* An llm credential's limits: a turn taken is waited for, given when freed;
 * a wait that meets the deadline or a cancel fails saying which limit. */
static void limits(void)
{
	struct llm_limit once = { 7, "one-at-once", 1, 0 }, minute = { 8, "one-a-minute", 0, 1 }, none = { 0, "", 0, 0 };
	CHECK(llm_limit_enter(&once, mono_ms() + 1000, NULL, err, sizeof err) == 0);
	CHECK(llm_limit_enter(&once, mono_ms() + 50, NULL, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "credential 'one-at-once' allows 1 requests at once, and no turn came before the block's time ran out");
	int cancel = 1;
	CHECK(llm_limit_enter(&once, mono_ms() + 60000, &cancel, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "no turn came before the run was cancelled");
	pthread_t waiter;
	void *got = (void *)1;
	CHECK(pthread_create(&waiter, NULL, wait_turn, &once) == 0);
	llm_limit_leave(&once);
	pthread_join(waiter, &got);
	CHECK(got == NULL); /* the waiter had its turn once the first left */
	llm_limit_leave(&once);
	CHECK(llm_limit_enter(&minute, mono_ms() + 1000, NULL, err, sizeof err) == 0);
	llm_limit_leave(&minute);
	CHECK(llm_limit_enter(&minute, mono_ms() + 50, NULL, err, sizeof err) == -1);
	CHECK_CONTAINS(err, "credential 'one-a-minute' allows 1 requests a minute");
	CHECK(llm_limit_enter(&none, mono_ms() + 50, NULL, err, sizeof err) == 0);
	CHECK(llm_limit_enter(&none, mono_ms() + 50, NULL, err, sizeof err) == 0); /* no credential, no limit */
}

int main(void)
{
	limits();
	int port;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	pid_t server = start_script_server("tests/standins/scripted-llm/llm_standin.py", NULL, &port);
	CHECK(port > 0);
	if (port > 0) {
		struct egress_policy p = { true, false, 10000, 1 << 20, "", "", "", "" };
		tool_calls(&p, port);
		streamed(&p, port);
		retries(&p, port);
		refusals(&p, port);
	}
	stop_server(server);
	curl_global_cleanup();
	return t_done("test_llm");
}
