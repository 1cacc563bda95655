/* What code.js runs: the user's code with a call to the time budget at the
 * start of each loop and function body (instrument.js), compiled down to ES5
 * by buble (Debian's node-buble, built into the plugin) first when it is
 * later JavaScript, on a Duktape heap of its own; and the way back from the
 * compiled code's lines to the user's. */
#ifndef AXON_CODE_TRANSPILE_H
#define AXON_CODE_TRANSPILE_H
#include <stddef.h>

struct transpiled {
	char *code;     /* ES5, with the budget's calls */
	char *mappings; /* the source map's "mappings": compiled lines to the
	                 * user's; NULL when the code was ES5 (same lines) */
};

/* 0 with out filled, or -1 with a message naming the user's line and column
 * in err. */
int code_transpile(const char *code, struct transpiled *out, char *err, size_t errlen);

/* The user's line for a line of the compiled code, or 0 if unknown. */
long code_transpiled_line(const struct transpiled *t, long line);

void code_transpiled_free(struct transpiled *t);

#endif
