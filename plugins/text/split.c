/* text.split: a text cut into a list of texts, at a separator, at line
 * breaks or at runs of white space. */
#include <string.h>

#include "text/blocks.h"
#include "text/input.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Appends s[0..n) to list, trimmed of spaces and tabs if asked, unless it is
 * empty and empties are skipped. 0, or -1 if it is not valid UTF-8. */
static int piece(json_t *list, const char *s, size_t n, int trim, int skip_empty)
{
	if (trim) {
		while (n && is_space(*s))
			s++, n--;
		while (n && is_space(s[n - 1]))
			n--;
	}
	if (n == 0 && skip_empty)
		return 0;
	json_t *v = json_stringn(s, n);
	return v ? json_array_append_new(list, v) : -1;
}

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	size_t len;
	const char *text = text_input(ctx, inputs, config, &len);
	const char *mode = json_string_value(json_object_get(config, "mode"));
	const char *sep = json_string_value(json_object_get(config, "separator"));
	json_int_t max = json_integer_value(json_object_get(config, "max"));
	int trim = json_is_true(json_object_get(config, "trim"));
	int skip_empty = json_is_true(json_object_get(config, "skip_empty"));
	if (!text)
		return AXON_FAIL;
	if (max < 0)
		return axon_fail(ctx, "\"max\" must be 0 (no limit) or more (it is %lld)", (long long)max);
	int lines = !strcmp(mode, "lines"), spaces = !strcmp(mode, "whitespace");
	size_t sn = strlen(sep);
	if (!lines && !spaces && sn == 0)
		return axon_fail(ctx, "\"separator\" is empty: give the text to cut at, such as \",\" (or choose the mode lines or whitespace)");
	if (spaces)
		skip_empty = 1;
	json_t *out = json_array();
	const char *p = text, *end = text + len;
	int bad = 0;
	while (!bad) {
		const char *cut = NULL;
		size_t cut_len = 0;
		if (max == 0 || json_array_size(out) + 1 < (size_t)max) {
			if (lines) {
				cut = memchr(p, '\n', (size_t)(end - p));
				cut_len = 1;
			} else if (spaces) {
				for (cut = p; cut < end && !is_space(*cut); cut++)
					;
				while (cut + cut_len < end && is_space(cut[cut_len]))
					cut_len++;
				cut = cut < end ? cut : NULL;
			} else {
				cut = memmem(p, (size_t)(end - p), sep, sn);
				cut_len = sn;
			}
		}
		const char *stop = cut ? cut : end;
		if (lines && stop > p && stop[-1] == '\r')
			stop--;
		bad = piece(out, p, (size_t)(stop - p), trim, skip_empty);
		if (!cut)
			break;
		p = cut + cut_len;
	}
	if (bad) {
		json_decref(out);
		return axon_fail(ctx, "cutting at \"%s\" splits a character in two: the pieces are not valid UTF-8", sep);
	}
	return axon_emit(ctx, "out", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "a text, or an object holding one at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "out", "the list of pieces" },
	{ NULL, NULL },
};

const struct axon_block text_split_block = {
	.name = "text.split",
	.version = "1.0.0",
	.title = "Split a text",
	.description = "Cuts a text into a list of pieces at a separator, at line breaks or at white space: tags from \"a, b, c\", lines of a message.",
	.category = "text",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" TEXT_PATH ","
		"\"mode\": {\"type\": \"string\", \"title\": \"Cut at\", \"description\": \"separator: each occurrence of the separator; lines: line breaks (\\\\n or \\\\r\\\\n); whitespace: runs of spaces, tabs and line breaks (empty pieces are left out)\", \"enum\": [\"separator\", \"lines\", \"whitespace\"], \"default\": \"separator\"},"
		"\"separator\": {\"type\": \"string\", \"title\": \"Separator\", \"description\": \"The text to cut at, in mode separator\", \"default\": \",\"},"
		"\"trim\": {\"type\": \"boolean\", \"title\": \"Trim\", \"description\": \"Remove spaces, tabs and line breaks around each piece\", \"default\": true},"
		"\"skip_empty\": {\"type\": \"boolean\", \"title\": \"Skip empty pieces\", \"description\": \"Leave out pieces with nothing in them (after trimming)\", \"default\": true},"
		"\"max\": {\"type\": \"integer\", \"title\": \"At most\", \"description\": \"The most pieces to make, the last one holding the rest; 0 for no limit\", \"default\": 0}}}",
	.run = run,
};
