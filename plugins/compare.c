#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shape.h"

static int truthy(const json_t *v)
{
	if (!v || json_is_null(v) || json_is_false(v))
		return 0;
	if (json_is_number(v))
		return json_number_value(v) != 0;
	if (json_is_string(v))
		return json_string_length(v) != 0;
	if (json_is_array(v))
		return json_array_size(v) != 0;
	if (json_is_object(v))
		return json_object_size(v) != 0;
	return 1;
}

/* A string that holds a whole number written as JSON or C would ("31",
 * " 2.5e3 "), as a number; other values as they are. */
static int as_number(const json_t *v, double *out)
{
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 1;
	}
	if (!json_is_string(v) || json_string_length(v) == 0 || strlen(json_string_value(v)) != json_string_length(v))
		return 0;
	const char *s = json_string_value(v);
	char *end;
	errno = 0;
	double d = strtod(s, &end);
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end || end == s || errno == ERANGE || !isfinite(d))
		return 0;
	*out = d;
	return 1;
}

/* The value compared in loose mode: numbers from numeric strings, "true" and
 * "false" from booleans; NULL when v stays as it is. */
static json_t *loosen(const json_t *v, const json_t *other)
{
	double d;
	if (json_is_number(other) && json_is_string(v) && as_number(v, &d))
		return json_real(d);
	if (json_is_string(other) && json_is_boolean(v))
		return json_string(json_is_true(v) ? "true" : "false");
	return NULL;
}

static int equal(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	return json_equal(a, b);
}

/* -1, 0, 1, or -2 when a and b cannot be ordered. */
static int order(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b)) {
		double x = json_number_value(a), y = json_number_value(b);
		return x < y ? -1 : x > y;
	}
	if (json_is_string(a) && json_is_string(b)) {
		int c = strcmp(json_string_value(a), json_string_value(b));
		return c < 0 ? -1 : c > 0;
	}
	return -2;
}

static int contains(const json_t *hay, const json_t *needle)
{
	size_t i;
	json_t *v;
	if (json_is_string(hay) && json_is_string(needle))
		return strstr(json_string_value(hay), json_string_value(needle)) != NULL;
	json_array_foreach(hay, i, v)
		if (equal(v, needle))
			return 1;
	return json_is_object(hay) && json_is_string(needle) && json_object_get(hay, json_string_value(needle));
}

int compare_needs_value(const char *op)
{
	return strcmp(op, "exists") && strcmp(op, "truthy");
}

enum compare_result compare(const char *op, const json_t *got, const json_t *want, int loose)
{
	if (!strcmp(op, "exists"))
		return got != NULL;
	if (!strcmp(op, "truthy"))
		return truthy(got);
	int eq = !strcmp(op, "eq");
	if (!got)
		return eq || !strcmp(op, "ne") ? (enum compare_result)!eq : COMPARE_MISSING;
	json_t *g = loose ? loosen(got, want) : NULL, *w = loose ? loosen(want, got) : NULL;
	const json_t *a = g ? g : got, *b = w ? w : want;
	enum compare_result r;
	if (eq || !strcmp(op, "ne")) {
		r = equal(a, b) == eq;
	} else if (!strcmp(op, "contains")) {
		r = contains(a, b);
	} else {
		int c = order(a, b);
		r = c == -2 ? COMPARE_MISMATCH
		    : !strcmp(op, "lt") ? c < 0 : !strcmp(op, "le") ? c <= 0 : !strcmp(op, "gt") ? c > 0 : c >= 0;
	}
	json_decref(g);
	json_decref(w);
	return r;
}

void compare_explain(enum compare_result r, const char *op, const char *where, const json_t *got, const json_t *want,
		     int loose, char *buf, size_t len)
{
	if (r == COMPARE_MISSING) {
		snprintf(buf, len, "%s is missing, so '%s' has nothing to compare (use 'exists' to test for it)", where, op);
		return;
	}
	double d;
	int hint = !loose && ((json_is_string(got) && json_is_number(want) && as_number(got, &d)) ||
			      (json_is_number(got) && json_is_string(want) && as_number(want, &d)));
	snprintf(buf, len, "'%s' orders two numbers or two strings: %s is %s and the value to compare with is %s%s", op,
		 where, shape_name(got), shape_name(want),
		 hint ? " (set \"loose\" to compare a number written as text as a number)" : "");
}
