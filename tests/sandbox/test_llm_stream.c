/* The streamed answers of language models (src/broker/llm_stream.c), fed in
 * pieces cut at every possible place: in the middle of a line, of a UTF-8
 * character, of a JSON value, of "data:" and of "[DONE]". Whatever the cut,
 * the text, the tool calls assembled from their fragments, the usage and the
 * end must come out the same. */
#include <stdlib.h>
#include <string.h>

#include "../testlib.h"
#include "broker/llm_stream.h"
#include "strbuf.h"

/* Text é, a snowman ☃ and an emoji 😀, so that cuts fall inside characters;
 * a tool call whose name and arguments come in fragments; usage at the end. */
static const char openai_sse[] =
	": keep-alive comment\r\n"
	"\r\n"
	"data: {\"model\":\"m-1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Caf\xc3\xa9 \"}}]}\r\n"
	"\r\n"
	"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\xe2\x98\x83 \xf0\x9f\x98\x80\"}}]}\n\n"
	"data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"look\",\"arguments\":\"{\\\"ci\"}}]}}]}\n\n"
	"data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"_up\",\"arguments\":\"ty\\\": \\\"Ly\"}}]}}]}\n\n"
	"data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"on\\\"}\"}}]}}]}\n\n"
	"event: message\n"
	"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
	"data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7}}\n\n"
	"data: [DONE]\n\n";

static const char ollama_ndjson[] =
	"{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"Caf\xc3\xa9 \"},\"done\":false}\n"
	"{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"\xe2\x98\x83 \xf0\x9f\x98\x80\"},\"done\":false}\n"
	"{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"look_up\",\"arguments\":{\"city\":\"Lyon\"}}}]},\"done\":false}\n"
	"{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":12,\"eval_count\":7}\n";

static void collect(void *arg, const char *text, size_t len)
{
	sb_add(arg, text, len);
}

/* Feeds body cut at cut (and then one byte at a time when bytewise). */
static json_t *parse(enum llm_protocol p, const char *body, size_t cut, int bytewise, struct strbuf *seen, char **error)
{
	struct llm_stream s;
	size_t n = strlen(body);
	llm_stream_init(&s, p, collect, seen);
	int rc = 0;
	if (bytewise) {
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = llm_stream_feed(&s, body + i, 1);
	} else {
		rc = llm_stream_feed(&s, body, cut);
		if (rc == 0)
			rc = llm_stream_feed(&s, body + cut, n - cut);
	}
	if (rc == 0)
		rc = llm_stream_end(&s);
	json_t *r = rc == 0 ? llm_stream_result(&s) : NULL;
	*error = s.error ? strdup(s.error) : NULL;
	llm_stream_free(&s);
	return r;
}

static int same_answer(const json_t *r, const char *finish, const char *model)
{
	json_t *call = json_array_get(json_object_get(r, "tool_calls"), 0);
	return r && !strcmp(json_string_value(json_object_get(r, "text")), "Caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80") &&
	       json_array_size(json_object_get(r, "tool_calls")) == 1 &&
	       !strcmp(json_string_value(json_object_get(call, "name")), "look_up") &&
	       !strcmp(json_string_value(json_object_get(json_object_get(call, "arguments"), "city")), "Lyon") &&
	       !strcmp(json_string_value(json_object_get(r, "finish_reason")), finish) &&
	       !strcmp(json_string_value(json_object_get(r, "model")), model) &&
	       json_integer_value(json_object_get(json_object_get(r, "usage"), "tokens_in")) == 12 &&
	       json_integer_value(json_object_get(json_object_get(r, "usage"), "tokens_out")) == 7;
}

/* Every cut of body, and byte by byte, gives the same answer. */
static void every_cut(enum llm_protocol p, const char *body, const char *finish, const char *model)
{
	size_t n = strlen(body), bad = 0;
	for (size_t cut = 0; cut <= n + 1; cut++) {
		struct strbuf seen = STRBUF_INIT;
		char *error;
		json_t *r = parse(p, body, cut > n ? 0 : cut, cut > n, &seen, &error);
		if (!same_answer(r, finish, model) || strcmp(sb_str(&seen), json_string_value(json_object_get(r, "text")))) {
			if (!bad++)
				fprintf(stderr, "cut at %zu: %s\n", cut, error ? error : "a different answer");
		}
		json_decref(r);
		free(error);
		sb_free(&seen);
	}
	CHECK(bad == 0);
}

static void refused(enum llm_protocol p, const char *body, const char *want)
{
	struct strbuf seen = STRBUF_INIT;
	char *error;
	json_t *r = parse(p, body, strlen(body) / 2, 0, &seen, &error);
	CHECK(r == NULL);
	CHECK_CONTAINS(error, want);
	json_decref(r);
	free(error);
	sb_free(&seen);
}

int main(void)
{
	every_cut(LLM_OPENAI, openai_sse, "tool_calls", "m-1");
	every_cut(LLM_OLLAMA, ollama_ndjson, "stop", "llama3.2");

	/* A server that does not stream: one JSON object. */
	struct strbuf seen = STRBUF_INIT;
	char *error;
	json_t *r = parse(LLM_OPENAI, "{\"model\": \"mock\",\n \"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": \"hi\"},"
	                  " \"finish_reason\": \"stop\"}], \"usage\": {\"prompt_tokens\": 3, \"completion_tokens\": 1}}", 20, 0, &seen, &error);
	CHECK_STR(json_string_value(json_object_get(r, "text")), "hi");
	CHECK(json_integer_value(json_object_get(json_object_get(r, "usage"), "tokens_out")) == 1);
	json_decref(r);
	free(error);
	sb_free(&seen);

	/* Arguments that are not JSON are handed over as the text that came. */
	r = parse(LLM_OPENAI, "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"f\",\"arguments\":\"{oops\"}}]},"
	          "\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n", 30, 0, &seen, &error);
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(r, "tool_calls"), 0), "arguments")), "{oops");
	json_decref(r);
	free(error);
	sb_free(&seen);

	/* A stream that stops before its end, garbage, and the provider's own error. */
	refused(LLM_OPENAI, "data: {\"choices\":[{\"delta\":{\"content\":\"Half an ans\"}}]}\n\n", "stopped before it was complete (the connection ended after 11 characters");
	refused(LLM_OLLAMA, "{\"message\":{\"content\":\"Half\"},\"done\":false}\n", "stopped before it was complete");
	refused(LLM_OPENAI, "data: {\"choices\": [\n\ndata: [DONE]\n\n", "an event that is not a JSON object");
	refused(LLM_OLLAMA, "<html>502 Bad Gateway</html>\n", "a line that is not a JSON object");
	refused(LLM_OPENAI, "data: {\"error\": {\"message\": \"model overloaded\"}}\n\n", "model overloaded");
	refused(LLM_OLLAMA, "{\"error\": \"model 'x' not found\"}\n", "model 'x' not found");
	refused(LLM_OPENAI, "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":100000}]}}]}\n\n", "tool call with index 100000");
	return t_done("test_llm_stream");
}
