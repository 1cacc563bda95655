/* A language model's answer read as it arrives, in whatever pieces the
 * network gives: OpenAI-compatible server-sent events ("data: {...}" lines,
 * events ended by a blank line, "data: [DONE]" at the end) or Ollama's
 * NDJSON (one object per line, the last with "done": true). A piece may end
 * anywhere, in the middle of a line, of a UTF-8 character or of a JSON
 * value: only whole lines are parsed. Text deltas are handed to on_text as
 * they come; tool calls are assembled from their fragments. A server that
 * answers with one plain JSON object instead of a stream is understood too. */
#ifndef AXON_BROKER_LLM_STREAM_H
#define AXON_BROKER_LLM_STREAM_H
#include <stddef.h>

#include <jansson.h>

#include "strbuf.h"

enum llm_protocol { LLM_OPENAI, LLM_OLLAMA };

struct llm_stream {
	enum llm_protocol protocol;
	void (*on_text)(void *arg, const char *text, size_t len);
	void *arg;

	struct strbuf line;   /* an unfinished line */
	struct strbuf event;  /* SSE: the data lines of the event so far */
	struct strbuf whole;  /* a plain JSON answer, read to its end */
	int mode;             /* 0 undecided, 1 stream, 2 one JSON object */
	struct strbuf text;   /* the answer so far */
	json_t *tool_calls;   /* [{"id", "name", "arguments": text}] in index order */
	json_t *model;
	json_t *finish;
	long tokens_in, tokens_out; /* -1 until the provider says */
	long deltas;          /* text pieces received */
	int done;             /* the protocol's end was seen */
	char *error;          /* what went wrong, once something did */
};

void llm_stream_init(struct llm_stream *s, enum llm_protocol protocol,
                     void (*on_text)(void *arg, const char *text, size_t len), void *arg);
/* Feeds the next n bytes of the body; 0, or -1 once s->error is set. */
int llm_stream_feed(struct llm_stream *s, const char *data, size_t n);
/* The body ended: 0 if the answer is complete, else -1 with s->error. */
int llm_stream_end(struct llm_stream *s);
/* {"text", "tool_calls": [{"id", "name", "arguments"}], "finish_reason",
 * "model", "usage": {"tokens_in", "tokens_out"}} (new reference); a tool
 * call's arguments are the parsed JSON, or the text as it came when it is
 * not JSON. */
json_t *llm_stream_result(const struct llm_stream *s);
void llm_stream_free(struct llm_stream *s);

#endif
