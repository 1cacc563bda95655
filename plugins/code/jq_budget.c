/* data.jq's ticks in the user's defs: see jq_budget.h. */
#include "jq_budget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NESTING 64 /* string interpolations within interpolations */

static int ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

/* At p, "def NAME:" or "def NAME(PARAMS):" (p at the "d", a whole word):
 * the offset just past the colon, or 0. */
static size_t def_colon(const char *p)
{
	const char *q = p + 3;
	if (!strchr(" \t\r\n", *q))
		return 0;
	q += strspn(q, " \t\r\n");
	if (!ident_start(*q))
		return 0;
	while (ident_char(*q))
		q++;
	q += strspn(q, " \t\r\n");
	if (*q == '(') {
		q = strchr(q, ')'); /* params hold no parentheses */
		if (!q)
			return 0;
		q++;
		q += strspn(q, " \t\r\n");
	}
	return *q == ':' ? (size_t)(q + 1 - p) : 0;
}

char *jq_budget_instrument(const char *code)
{
	size_t len = strlen(code), cap = len + 1, n = 0;
	char *out = malloc(cap);
	/* depth[i]: open parentheses in the code of interpolation level i
	 * (level 0 is the filter); string: inside a string literal of the
	 * current level. */
	int depth[MAX_NESTING] = { 0 }, level = 0, string = 0;
	long line = 1;
	if (!out)
		return NULL;
	for (const char *p = code; *p; p++) {
		size_t take = 1, colon = 0;
		if (*p == '\n')
			line++;
		if (string) {
			if (*p == '\\' && p[1] == '(' && level + 1 == MAX_NESTING) {
				take = strlen(p); /* too deep to follow: the rest as it is */
			} else if (*p == '\\' && p[1] == '(') {
				take = 2; /* into an interpolation: code again */
				depth[++level] = 0;
				string = 0;
			} else if (*p == '\\' && p[1]) {
				take = 2;
			} else if (*p == '"') {
				string = 0;
			}
		} else if (*p == '"') {
			string = 1;
		} else if (*p == '#') {
			take = strcspn(p, "\n"); /* a comment, to the end of its line */
			take = take ? take : 1;
		} else if (*p == '(') {
			depth[level]++;
		} else if (*p == ')') {
			if (depth[level] == 0 && level > 0) {
				level--; /* the interpolation ends: back in its string */
				string = 1;
			} else if (depth[level] > 0) {
				depth[level]--;
			}
		} else if (!strncmp(p, "def", 3) && (p == code || !(ident_char(p[-1]) || strchr("$.@", p[-1])))) {
			colon = def_colon(p);
			take = colon ? colon : 3;
		} else if (ident_start(*p)) {
			while (ident_char(p[take]))
				take++; /* a whole word: "undef" holds no def */
		}
		char tick[96];
		int tlen = colon ? snprintf(tick, sizeof tick, " " JQ_BUDGET_TICK("%ld"), line) : 0;
		for (size_t i = 0; i < take; i++)
			line += p[i] == '\n' && i > 0;
		if (n + take + (size_t)tlen + 1 > cap) {
			cap = (n + take + (size_t)tlen + 1) * 2;
			char *bigger = realloc(out, cap);
			if (!bigger) {
				free(out);
				return NULL;
			}
			out = bigger;
		}
		memcpy(out + n, p, take);
		n += take;
		if (tlen > 0) {
			memcpy(out + n, tick, (size_t)tlen);
			n += (size_t)tlen;
		}
		p += take - 1;
	}
	out[n] = '\0';
	return out;
}
