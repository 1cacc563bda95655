#include "broker/llm_stream.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(struct llm_stream *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct llm_stream *s, const char *fmt, ...)
{
	if (s->error)
		return;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	s->error = sb_detach(&sb);
}

void llm_stream_init(struct llm_stream *s, enum llm_protocol protocol,
                     void (*on_text)(void *arg, const char *text, size_t len), void *arg)
{
	memset(s, 0, sizeof *s);
	s->protocol = protocol;
	s->on_text = on_text;
	s->arg = arg;
	s->tool_calls = json_array();
	s->tokens_in = s->tokens_out = -1;
}

void llm_stream_free(struct llm_stream *s)
{
	sb_free(&s->line);
	sb_free(&s->event);
	sb_free(&s->whole);
	sb_free(&s->text);
	json_decref(s->tool_calls);
	json_decref(s->model);
	json_decref(s->finish);
	free(s->error);
}

static void add_text(struct llm_stream *s, const json_t *content)
{
	size_t n = json_string_length(content);
	if (!json_is_string(content) || !n)
		return;
	sb_add(&s->text, json_string_value(content), n);
	s->deltas++;
	if (s->on_text)
		s->on_text(s->arg, json_string_value(content), n);
}

static void set_string(json_t **slot, const json_t *v)
{
	if (!json_is_string(v))
		return;
	json_decref(*slot);
	*slot = json_incref((json_t *)v);
}

/* The tool call at index, made when it is new; NULL past a sane count. */
static json_t *tool_at(struct llm_stream *s, json_int_t index)
{
	if (index < 0 || index > 127) {
		fail(s, "the provider sent a tool call with index %lld", (long long)index);
		return NULL;
	}
	while ((json_int_t)json_array_size(s->tool_calls) <= index)
		json_array_append_new(s->tool_calls, json_pack("{s:s, s:s, s:s}", "id", "", "name", "", "arguments", ""));
	return json_array_get(s->tool_calls, (size_t)index);
}

/* Appends a fragment to a string member of a tool call. */
static void append_to(json_t *call, const char *key, const json_t *fragment)
{
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, json_string_value(json_object_get(call, key)));
	if (json_is_string(fragment)) {
		sb_add(&sb, json_string_value(fragment), json_string_length(fragment));
	} else if (fragment && !json_is_null(fragment)) { /* arguments given as an object */
		char *text = json_dumps(fragment, JSON_COMPACT | JSON_ENCODE_ANY);
		sb_adds(&sb, text ? text : "");
		free(text);
	}
	json_object_set_new(call, key, json_stringn(sb_str(&sb), sb.len));
	sb_free(&sb);
}

static void openai_tool_calls(struct llm_stream *s, const json_t *calls)
{
	size_t i;
	json_t *c;
	json_array_foreach(calls, i, c) {
		json_t *index = json_object_get(c, "index");
		json_t *call = tool_at(s, json_is_integer(index) ? json_integer_value(index) : (json_int_t)i);
		json_t *fn = json_object_get(c, "function");
		if (!call)
			return;
		if (json_is_string(json_object_get(c, "id")))
			json_object_set(call, "id", json_object_get(c, "id"));
		append_to(call, "name", json_object_get(fn, "name"));
		append_to(call, "arguments", json_object_get(fn, "arguments"));
	}
}

static void openai_object(struct llm_stream *s, const json_t *o)
{
	json_t *error = json_object_get(o, "error");
	if (error) {
		const char *m = json_string_value(json_object_get(error, "message"));
		fail(s, "the provider reported an error in its answer: %.400s", m ? m : json_string_value(error) ? json_string_value(error) : "(no message)");
		return;
	}
	set_string(&s->model, json_object_get(o, "model"));
	json_t *usage = json_object_get(o, "usage");
	if (json_is_integer(json_object_get(usage, "prompt_tokens")))
		s->tokens_in = (long)json_integer_value(json_object_get(usage, "prompt_tokens"));
	if (json_is_integer(json_object_get(usage, "completion_tokens")))
		s->tokens_out = (long)json_integer_value(json_object_get(usage, "completion_tokens"));
	json_t *choice = json_array_get(json_object_get(o, "choices"), 0);
	json_t *part = json_object_get(choice, "delta");
	if (!part)
		part = json_object_get(choice, "message");
	add_text(s, json_object_get(part, "content"));
	openai_tool_calls(s, json_object_get(part, "tool_calls"));
	set_string(&s->finish, json_object_get(choice, "finish_reason"));
}

static void ollama_object(struct llm_stream *s, const json_t *o)
{
	json_t *error = json_object_get(o, "error");
	if (error) {
		fail(s, "the provider reported an error in its answer: %.400s", json_string_value(error) ? json_string_value(error) : "(no message)");
		return;
	}
	set_string(&s->model, json_object_get(o, "model"));
	json_t *message = json_object_get(o, "message");
	add_text(s, json_object_get(message, "content"));
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(message, "tool_calls"), i, c) {
		json_t *call = tool_at(s, (json_int_t)json_array_size(s->tool_calls));
		if (!call)
			return;
		append_to(call, "name", json_object_get(json_object_get(c, "function"), "name"));
		append_to(call, "arguments", json_object_get(json_object_get(c, "function"), "arguments"));
	}
	if (json_is_true(json_object_get(o, "done"))) {
		s->done = 1;
		set_string(&s->finish, json_object_get(o, "done_reason"));
		if (json_is_integer(json_object_get(o, "prompt_eval_count")))
			s->tokens_in = (long)json_integer_value(json_object_get(o, "prompt_eval_count"));
		if (json_is_integer(json_object_get(o, "eval_count")))
			s->tokens_out = (long)json_integer_value(json_object_get(o, "eval_count"));
	}
}

static void parse_object(struct llm_stream *s, const char *text, size_t n, const char *what)
{
	json_error_t e;
	json_t *o = json_loadb(text, n, 0, &e);
	if (!json_is_object(o))
		fail(s, "the provider sent %s that is not a JSON object (%s): %.120s", what, o ? "another kind of value" : e.text, text);
	else if (s->protocol == LLM_OPENAI)
		openai_object(s, o);
	else
		ollama_object(s, o);
	json_decref(o);
}

/* SSE: an event's data lines, joined, are one JSON chunk or [DONE]. */
static void sse_dispatch(struct llm_stream *s)
{
	if (!s->event.len)
		return;
	if (!strcmp(sb_str(&s->event), "[DONE]"))
		s->done = 1;
	else
		parse_object(s, s->event.data, s->event.len, "an event");
	sb_reset(&s->event);
}

static void sse_line(struct llm_stream *s, const char *line, size_t n)
{
	if (!n) {
		sse_dispatch(s);
	} else if (n >= 5 && !memcmp(line, "data:", 5)) {
		size_t skip = n > 5 && line[5] == ' ' ? 6 : 5;
		if (s->event.len)
			sb_addc(&s->event, '\n');
		sb_add(&s->event, line + skip, n - skip);
	}
	/* comments (":"), event:, id: and retry: mean nothing here */
}

static void on_line(struct llm_stream *s, const char *line, size_t n)
{
	if (n && line[n - 1] == '\r')
		n--;
	if (s->mode == 2) {
		sb_add(&s->whole, line, n);
		sb_addc(&s->whole, '\n');
		return;
	}
	if (s->protocol == LLM_OLLAMA) {
		if (n)
			parse_object(s, line, n, "a line");
		return;
	}
	if (s->mode == 0 && !n)
		return;
	if (s->mode == 0 && line[0] == '{') {
		s->mode = 2;
		on_line(s, line, n);
		return;
	}
	s->mode = 1;
	sse_line(s, line, n);
}

int llm_stream_feed(struct llm_stream *s, const char *data, size_t n)
{
	while (n && !s->error && !s->done) {
		const char *nl = memchr(data, '\n', n);
		size_t take = nl ? (size_t)(nl - data) : n;
		if (!nl) {
			sb_add(&s->line, data, take);
			break;
		}
		if (s->line.len) {
			sb_add(&s->line, data, take);
			on_line(s, s->line.data, s->line.len);
			sb_reset(&s->line);
		} else {
			on_line(s, data, take);
		}
		data += take + 1;
		n -= take + 1;
	}
	return s->error ? -1 : 0;
}

int llm_stream_end(struct llm_stream *s)
{
	if (!s->error && !s->done && s->line.len) {
		on_line(s, s->line.data, s->line.len);
		sb_reset(&s->line);
	}
	if (!s->error && !s->done && s->mode == 1)
		sse_dispatch(s);
	if (!s->error && s->mode == 2) {
		parse_object(s, s->whole.data, s->whole.len, "an answer");
		s->done = !s->error;
	}
	/* Some OpenAI-compatible servers end without [DONE] but after a finish reason. */
	if (!s->error && !s->done && !s->finish)
		fail(s, "the answer stopped before it was complete (the connection ended after %zu characters of text, "
		     "without the end of the stream): the provider may have dropped it; try again", s->text.len);
	return s->error ? -1 : 0;
}

json_t *llm_stream_result(const struct llm_stream *s)
{
	json_t *calls = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(s->tool_calls, i, c) {
		const char *text = json_string_value(json_object_get(c, "arguments"));
		json_t *args = *text ? json_loads(text, JSON_DECODE_ANY, NULL) : json_object();
		json_array_append_new(calls, json_pack("{s:O, s:O, s:o}", "id", json_object_get(c, "id"), "name",
		                                       json_object_get(c, "name"), "arguments", args ? args : json_string(text)));
	}
	json_t *usage = json_object();
	if (s->tokens_in >= 0)
		json_object_set_new(usage, "tokens_in", json_integer(s->tokens_in));
	if (s->tokens_out >= 0)
		json_object_set_new(usage, "tokens_out", json_integer(s->tokens_out));
	return json_pack("{s:s%, s:o, s:O?, s:O?, s:o}", "text", sb_str(&s->text), s->text.len, "tool_calls", calls,
	                 "finish_reason", s->finish, "model", s->model, "usage", usage);
}
