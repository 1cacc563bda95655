/* Regular expressions for text.replace and text.match: PCRE2, Perl and
 * JavaScript syntax (\d, lazy quantifiers, lookaround, named groups) in UTF
 * mode whatever the locale (the sandbox has none), with match limits so a
 * pattern that backtracks without end fails its run instead of using it up.
 * No JIT: it needs executable memory, which the sandbox refuses. */
#ifndef AXON_PLUGINS_TEXT_REGEX_H
#define AXON_PLUGINS_TEXT_REGEX_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <axon/block.h>
#include <pcre2.h>

#define REGEX_FLAGS_SCHEMA \
	"\"ignore_case\": {\"type\": \"boolean\", \"title\": \"Ignore case\", \"description\": \"Match letters in either case (é and É too)\", \"default\": false}," \
	"\"multiline\": {\"type\": \"boolean\", \"title\": \"Multiline\", \"description\": \"^ and $ match at every line, not only at the ends of the text\", \"default\": false}"

struct regex {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mc;
};

/* Compiles pattern with options (such as PCRE2_LITERAL) and the config's
 * ignore_case and multiline; 0, or -1
 * after failing the run with the place of the error. */
int regex_compile(struct axon_ctx *ctx, struct regex *re, const char *pattern, uint32_t options, const json_t *config);
/* A message for a pcre2_match() or pcre2_substitute() error code. */
int regex_fail(struct axon_ctx *ctx, const char *pattern, int rc);
void regex_free(struct regex *re);

#endif
