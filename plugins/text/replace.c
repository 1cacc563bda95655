/* text.replace: every (or the first) occurrence of a text or of a regular
 * expression replaced, with pcre2_substitute() for both. */
#include <stdlib.h>
#include <string.h>

#include "text/blocks.h"
#include "text/input.h"
#include "text/regex.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	size_t len;
	const char *text = text_input(ctx, inputs, config, &len);
	const char *find = json_string_value(json_object_get(config, "find"));
	const char *with = json_string_value(json_object_get(config, "replace"));
	int regex = json_is_true(json_object_get(config, "regex"));
	if (!text)
		return AXON_FAIL;
	if (!*find)
		return axon_fail(ctx, "\"find\" is empty: give the text (or the regular expression) to replace");
	struct regex re;
	if (regex_compile(ctx, &re, find, regex ? 0 : PCRE2_LITERAL, config))
		return AXON_FAIL;
	uint32_t options = PCRE2_SUBSTITUTE_OVERFLOW_LENGTH | PCRE2_SUBSTITUTE_UNSET_EMPTY |
			   (regex ? 0 : PCRE2_SUBSTITUTE_LITERAL) |
			   (json_is_true(json_object_get(config, "all")) ? PCRE2_SUBSTITUTE_GLOBAL : 0);
	PCRE2_SIZE cap = len + len / 2 + 64, outlen;
	PCRE2_UCHAR *out = NULL;
	int rc = 0;
	for (int attempt = 0; attempt < 2; attempt++) {
		free(out);
		out = malloc(cap);
		if (!out) {
			regex_free(&re);
			return axon_fail(ctx, "out of memory replacing in a text of %zu bytes", len);
		}
		outlen = cap;
		rc = pcre2_substitute(re.code, (PCRE2_SPTR)text, len, 0, options, re.md, re.mc, (PCRE2_SPTR)with,
				      PCRE2_ZERO_TERMINATED, out, &outlen);
		if (rc != PCRE2_ERROR_NOMEMORY)
			break;
		cap = outlen; /* the length needed */
	}
	regex_free(&re);
	if (rc < 0) {
		free(out);
		return regex_fail(ctx, find, rc);
	}
	json_t *result = json_stringn((const char *)out, outlen);
	free(out);
	if (!result)
		return axon_fail(ctx, "the replaced text is not valid UTF-8");
	return axon_emit(ctx, "text", result) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "a text, or an object holding one at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "text", "the text with the replacements made" },
	{ NULL, NULL },
};

const struct axon_block text_replace_block = {
	.name = "text.replace",
	.version = "1.0.0",
	.title = "Replace in a text",
	.description = "Replaces a text, or what a regular expression (PCRE2, as in JavaScript or Perl) matches, everywhere or once; $1 and ${name} insert groups.",
	.category = "text",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" TEXT_PATH ","
		"\"find\": {\"type\": \"string\", \"title\": \"Find\", \"description\": \"The text to find, or a regular expression such as (\\\\\\\\d+)-(\\\\\\\\d+) when regex is set\"},"
		"\"replace\": {\"type\": \"string\", \"title\": \"Replace with\", \"description\": \"The new text; with regex, $0 is the match, $1 or ${name} a group\", \"default\": \"\"},"
		"\"regex\": {\"type\": \"boolean\", \"title\": \"Regular expression\", \"description\": \"Read find as a PCRE2 regular expression, not as plain text\", \"default\": false},"
		"\"all\": {\"type\": \"boolean\", \"title\": \"Every occurrence\", \"description\": \"Replace every occurrence, not only the first\", \"default\": true},"
		REGEX_FLAGS_SCHEMA "},"
		"\"required\": [\"find\"]}",
	.run = run,
};
