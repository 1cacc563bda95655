/* Our SQL in PostgreSQL's dialect. The store files write SQLite's, and keep
 * to a small common part of it; this turns the few forms outside that part
 * into PostgreSQL's, so that one text serves both engines:
 *   ?N                          -> $N
 *   ?N IS [NOT] NULL            -> $N::text IS [NOT] NULL (a text parameter's
 *                                  type is otherwise left to PostgreSQL, which
 *                                  cannot tell it from IS NULL alone)
 *   X COLLATE NOCASE            -> X (such columns are citext there)
 *   instr(a, b)                 -> strpos(a, b)
 *   max(a, b, ...) / min(...)   -> greatest(...) / least(...) (the scalar forms)
 *   json_extract(x, '$.a.b')    -> (x)::jsonb #>> '{a,b}'
 *   json_valid(x)               -> ((x) IS NOT NULL) (we wrote every JSON column)
 * Forms that cannot be translated by rule (INSERT OR REPLACE, PRAGMA, a JSON
 * path other than $.a.b) are refused, so that a new statement using one
 * fails in the first test against PostgreSQL rather than in production;
 * such a statement names both texts with DB_SQL. The input is always a
 * constant of ours. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "strbuf.h"

struct tr {
	struct strbuf out;
	char *err;
	size_t errlen;
	int failed;
};

static int fail(struct tr *t, const char *what, const char *at)
{
	if (!t->failed)
		snprintf(t->err, t->errlen, "SQL not translatable to PostgreSQL (%s) at: %.60s", what, at);
	t->failed = 1;
	return -1;
}

static int is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The end of the string literal starting at p (after its closing quote). */
static const char *skip_literal(const char *p, const char *end)
{
	for (p++; p < end; p++)
		if (*p == '\'') {
			if (p + 1 < end && p[1] == '\'')
				p++;
			else
				return p + 1;
		}
	return end;
}

/* From just after an opening parenthesis: the closing one, and where each
 * top-level comma is (up to max of them); NULL if unbalanced. */
static const char *close_paren(const char *p, const char *end, const char **commas, int max, int *ncommas)
{
	int depth = 0;
	*ncommas = 0;
	while (p < end) {
		if (*p == '\'') {
			p = skip_literal(p, end);
			continue;
		}
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth-- == 0)
			return p;
		else if (*p == ',' && depth == 0 && *ncommas < max)
			commas[(*ncommas)++] = p;
		p++;
	}
	return NULL;
}

static int translate(struct tr *t, const char *p, const char *end);

static int starts_word(const char *p, const char *end, const char *w)
{
	size_t n = strlen(w);
	return (size_t)(end - p) >= n && !strncasecmp(p, w, n) && (p + n == end || !is_word(p[n]));
}

/* json_extract(x, '$.a.b'): p is after the parenthesis. Returns the end. */
static const char *json_extract(struct tr *t, const char *p, const char *end)
{
	const char *commas[2];
	int n;
	const char *close = close_paren(p, end, commas, 2, &n);
	if (!close || n != 1)
		return fail(t, "json_extract needs two arguments", p), end;
	const char *path = commas[0] + 1;
	while (path < close && *path == ' ')
		path++;
	if (strncmp(path, "'$.", 3))
		return fail(t, "json_extract's path must be a constant '$.a.b'", path), end;
	sb_adds(&t->out, "(");
	translate(t, p, commas[0]);
	sb_adds(&t->out, ")::jsonb #>> '{");
	for (const char *c = path + 3; c < close && *c != '\''; c++) {
		if (!is_word(*c) && *c != '.')
			return fail(t, "json_extract's path may hold names and dots only", path), end;
		sb_addc(&t->out, *c == '.' ? ',' : *c);
	}
	sb_adds(&t->out, "}'");
	return close + 1;
}

/* A function call at p (its name has n characters, the parenthesis follows).
 * Returns where to go on, or NULL when it is not one we change. */
static const char *function(struct tr *t, const char *p, size_t n, const char *end)
{
	const char *args = p + n + 1;
	const char *commas[1];
	int ncommas;
	if (n == 12 && !strncasecmp(p, "json_extract", n))
		return json_extract(t, args, end);
	if (n == 10 && !strncasecmp(p, "json_valid", n)) {
		const char *close = close_paren(args, end, commas, 0, &ncommas);
		if (!close)
			return fail(t, "unbalanced parentheses", p), end;
		sb_adds(&t->out, "((");
		translate(t, args, close);
		sb_adds(&t->out, ") IS NOT NULL)");
		return close + 1;
	}
	if (n == 5 && !strncasecmp(p, "instr", n)) {
		sb_adds(&t->out, "strpos(");
		return args;
	}
	if (n == 3 && (!strncasecmp(p, "max", n) || !strncasecmp(p, "min", n))) {
		const char *close = close_paren(args, end, commas, 1, &ncommas);
		if (!close)
			return fail(t, "unbalanced parentheses", p), end;
		if (!ncommas)
			return NULL; /* the aggregate */
		sb_adds(&t->out, tolower((unsigned char)p[1]) == 'a' ? "greatest(" : "least(");
		return args;
	}
	return NULL;
}

static int translate(struct tr *t, const char *p, const char *end)
{
	while (p < end && !t->failed) {
		if (*p == '\'') {
			const char *q = skip_literal(p, end);
			sb_add(&t->out, p, (size_t)(q - p));
			p = q;
		} else if (*p == '?' && p + 1 < end && isdigit((unsigned char)p[1])) {
			const char *q = p + 1;
			while (q < end && isdigit((unsigned char)*q))
				q++;
			sb_addc(&t->out, '$');
			sb_add(&t->out, p + 1, (size_t)(q - p - 1));
			p = q;
			while (q < end && *q == ' ')
				q++;
			if (starts_word(q, end, "IS") && (starts_word(q + 3, end, "NULL") || starts_word(q + 3, end, "NOT")))
				sb_adds(&t->out, "::text");
		} else if (is_word(*p)) {
			const char *w = p;
			while (p < end && is_word(*p))
				p++;
			size_t n = (size_t)(p - w);
			if (starts_word(w, end, "COLLATE")) {
				const char *q = p;
				while (q < end && *q == ' ')
					q++;
				if (!starts_word(q, end, "NOCASE"))
					return fail(t, "a collation other than NOCASE", w);
				p = q + 6;
				/* Drop the space before COLLATE too. */
				if (t->out.len && t->out.data[t->out.len - 1] == ' ')
					t->out.len--, t->out.data[t->out.len] = 0;
				continue;
			}
			if (starts_word(w, end, "PRAGMA") || starts_word(w, end, "IMMEDIATE"))
				return fail(t, "a SQLite statement", w);
			if (starts_word(w, end, "OR") && t->out.len >= 7 &&
			    !strncasecmp(t->out.data + t->out.len - 7, "INSERT ", 7))
				return fail(t, "INSERT OR ...: use ON CONFLICT", w);
			if (p < end && *p == '(') {
				const char *next = function(t, w, n, end);
				if (next) {
					p = next;
					continue;
				}
			}
			sb_add(&t->out, w, n);
		} else {
			sb_addc(&t->out, *p++);
		}
	}
	return t->failed ? -1 : 0;
}

char *pg_sql_translate(const char *sql, char *err, size_t errlen)
{
	struct tr t = { .err = err, .errlen = errlen };
	if (translate(&t, sql, sql + strlen(sql)) < 0) {
		sb_free(&t.out);
		return NULL;
	}
	return sb_detach(&t.out);
}
