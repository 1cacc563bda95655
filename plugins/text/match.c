/* text.match: what a regular expression matches in a text, with its groups;
 * the text goes on "none" when nothing matches, so the block also branches. */
#include <stdint.h>
#include <string.h>

#include "text/blocks.h"
#include "text/input.h"
#include "text/regex.h"

/* Characters (not bytes) before offset. */
static size_t characters(const char *text, size_t offset)
{
	size_t n = 0;
	for (size_t i = 0; i < offset; i++)
		n += ((unsigned char)text[i] & 0xc0) != 0x80;
	return n;
}

static json_t *piece(const char *text, const PCRE2_SIZE *ov, uint32_t group)
{
	if (ov[2 * group] == PCRE2_UNSET)
		return json_null();
	json_t *s = json_stringn(text + ov[2 * group], ov[2 * group + 1] - ov[2 * group]);
	return s ? s : json_null();
}

static json_t *one_match(const struct regex *re, const char *text, uint32_t pairs)
{
	const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
	json_t *groups = json_array();
	for (uint32_t g = 1; g < pairs; g++)
		json_array_append_new(groups, piece(text, ov, g));
	json_t *m = json_pack("{s:o, s:o, s:I}", "match", piece(text, ov, 0), "groups", groups, "offset",
			      (json_int_t)characters(text, ov[0]));
	uint32_t count = 0, size = 0;
	PCRE2_SPTR table = NULL;
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMETABLE, &table);
	if (count) {
		json_t *named = json_object();
		for (uint32_t i = 0; i < count; i++) {
			PCRE2_SPTR e = table + (size_t)i * size;
			uint32_t g = (uint32_t)(e[0] << 8 | e[1]);
			json_object_set_new(named, (const char *)e + 2, g < pairs ? piece(text, ov, g) : json_null());
		}
		json_object_set_new(m, "named", named);
	}
	return m;
}

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	size_t len;
	const char *text = text_input(ctx, inputs, config, &len);
	const char *pattern = json_string_value(json_object_get(config, "regex"));
	int all = json_is_true(json_object_get(config, "all"));
	if (!text)
		return AXON_FAIL;
	struct regex re;
	if (regex_compile(ctx, &re, pattern, 0, config))
		return AXON_FAIL;
	json_t *found = json_array();
	PCRE2_SIZE start = 0;
	uint32_t options = 0;
	int rc = 0;
	while (start <= len) {
		rc = pcre2_match(re.code, (PCRE2_SPTR)text, len, start, options, re.md, re.mc);
		if (rc == PCRE2_ERROR_NOMATCH && options) {
			/* no non-empty match here after an empty one: one character on */
			options = 0;
			start++;
			while (start < len && ((unsigned char)text[start] & 0xc0) == 0x80)
				start++;
			continue;
		}
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			regex_free(&re);
			json_decref(found);
			return regex_fail(ctx, pattern, rc);
		}
		json_array_append_new(found, one_match(&re, text, pcre2_get_ovector_count(re.md)));
		if (!all)
			break;
		const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re.md);
		start = ov[1];
		options = ov[0] == ov[1] ? PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED : 0;
	}
	regex_free(&re);
	if (json_array_size(found) == 0) {
		json_decref(found);
		return axon_emit(ctx, "none", json_stringn(text, len)) == 0 ? AXON_OK : AXON_FAIL;
	}
	json_t *out = all ? found : json_incref(json_array_get(found, 0));
	if (!all)
		json_decref(found);
	return axon_emit(ctx, "out", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "a text, or an object holding one at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "out", "the first match {\"match\", \"groups\", \"named\", \"offset\"}, or with all a list of every match" },
	{ "none", "the text, when nothing matches" },
	{ NULL, NULL },
};

const struct axon_block text_match_block = {
	.name = "text.match",
	.version = "1.0.0",
	.title = "Match a regular expression",
	.description = "Finds what a regular expression (PCRE2, as in JavaScript or Perl) matches in a text, with its groups; sends the text on \"none\" when nothing does.",
	.category = "text",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" TEXT_PATH ","
		"\"regex\": {\"type\": \"string\", \"title\": \"Regular expression\", \"description\": \"PCRE2 syntax, such as (?<year>\\\\\\\\d{4})-(\\\\\\\\d{2}); groups are numbered from 1 and may be named\"},"
		"\"all\": {\"type\": \"boolean\", \"title\": \"Every match\", \"description\": \"A list of every match instead of the first one\", \"default\": false},"
		REGEX_FLAGS_SCHEMA "},"
		"\"required\": [\"regex\"]}",
	.run = run,
};
