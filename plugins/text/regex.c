#include "text/regex.h"

/* Enough for any sensible pattern on a large text, and a few seconds at
 * most for one that backtracks without end. */
#define MATCH_LIMIT 10000000
#define DEPTH_LIMIT 100000
#define HEAP_LIMIT_KIB (64 * 1024)

int regex_compile(struct axon_ctx *ctx, struct regex *re, const char *pattern, uint32_t options, const json_t *config)
{
	/* UTF mode folds case the Unicode way even for a literal, which allows
	 * neither UCP (what \w and \b mean) nor MULTILINE. */
	options |= PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | (options & PCRE2_LITERAL ? 0 : PCRE2_UCP);
	if (json_is_true(json_object_get(config, "ignore_case")))
		options |= PCRE2_CASELESS;
	if (json_is_true(json_object_get(config, "multiline")) && !(options & PCRE2_LITERAL))
		options |= PCRE2_MULTILINE;
	int code;
	PCRE2_SIZE offset;
	*re = (struct regex){ 0 };
	re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, options, &code, &offset, NULL);
	if (!re->code) {
		PCRE2_UCHAR why[200];
		pcre2_get_error_message(code, why, sizeof why);
		return axon_fail(ctx, "the regular expression /%s/ is not valid at character %zu: %s", pattern, (size_t)offset + 1,
				 (const char *)why);
	}
	re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
	re->mc = pcre2_match_context_create(NULL);
	if (!re->md || !re->mc) {
		regex_free(re);
		return axon_fail(ctx, "out of memory for the regular expression");
	}
	pcre2_set_match_limit(re->mc, MATCH_LIMIT);
	pcre2_set_depth_limit(re->mc, DEPTH_LIMIT);
	pcre2_set_heap_limit(re->mc, HEAP_LIMIT_KIB);
	return 0;
}

int regex_fail(struct axon_ctx *ctx, const char *pattern, int rc)
{
	PCRE2_UCHAR why[200];
	pcre2_get_error_message(rc, why, sizeof why);
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
		return axon_fail(ctx, "the regular expression /%s/ backtracks too much on this text (%s): make it more precise, "
				 "for example without nested repeats such as (a+)+", pattern, (const char *)why);
	return axon_fail(ctx, "the regular expression /%s/ failed: %s", pattern, (const char *)why);
}

void regex_free(struct regex *re)
{
	pcre2_match_context_free(re->mc);
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	*re = (struct regex){ 0 };
}
