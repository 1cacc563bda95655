/* The comparisons shared by flow.if, flow.switch and data.filter: the value
 * found at a path of the input ("got", NULL when the path leads nowhere)
 * against a value from the config ("want"). */
#ifndef AXON_PLUGINS_COMPARE_H
#define AXON_PLUGINS_COMPARE_H
#include <stddef.h>

#include <jansson.h>

/* The operators, as a JSON list for a config schema's enum. */
#define COMPARE_OPS "[\"eq\", \"ne\", \"lt\", \"le\", \"gt\", \"ge\", \"contains\", \"exists\", \"truthy\"]"
/* Their description, for the schema. */
#define COMPARE_OPS_HELP "eq and ne: equal or not; lt, le, gt, ge: order of two numbers or two strings; " \
	"contains: a substring, an element of a list or a key of an object; exists: the path leads somewhere; " \
	"truthy: not false, null, 0, \\\"\\\", [] or {}"
#define COMPARE_LOOSE_HELP "compare a number written as text (\\\"31\\\") as that number, and true/false as \\\"true\\\"/\\\"false\\\""

enum compare_result { COMPARE_FALSE = 0, COMPARE_TRUE = 1, COMPARE_MISSING = -1, COMPARE_MISMATCH = -2 };

/* Whether got OP want holds. COMPARE_MISSING when op needs a value at the
 * path and there is none; COMPARE_MISMATCH when the two values cannot be
 * ordered (a string and a number, unless loose and the string is a number).
 * op must be one of COMPARE_OPS; want is not used by exists and truthy. */
enum compare_result compare(const char *op, const json_t *got, const json_t *want, int loose);

/* Whether op needs a value to compare with. */
int compare_needs_value(const char *op);

/* A message for COMPARE_MISSING or COMPARE_MISMATCH: where names the place of
 * got ("in.age"). */
void compare_explain(enum compare_result r, const char *op, const char *where, const json_t *got, const json_t *want,
		     int loose, char *buf, size_t len);

#endif
