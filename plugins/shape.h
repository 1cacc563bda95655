/* Refusing a value of the wrong shape, in the same words in every core
 * block: where it was (the port and the path in it), what the block wanted
 * and what it got, e.g. "in.items must be an array (it is a string)". */
#ifndef AXON_PLUGINS_SHAPE_H
#define AXON_PLUGINS_SHAPE_H
#include <axon/block.h>

/* "an object", "an array", "a string", "a number", "true", "false", "null",
 * or "missing" for NULL. */
const char *shape_name(const json_t *v);
/* The text of a string, or of an HTTP response's "body" string (what
 * http.request emits); NULL for anything else. */
const char *shape_text(const json_t *v);
/* Fails the run: "PORT.PATH must be WANT (it is ...)"; path may be "" or NULL. */
int shape_fail(struct axon_ctx *ctx, const char *port, const char *path, const char *want, const json_t *got);

#endif
