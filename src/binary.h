/* Binary data as a workflow carries it: bytes that are not text travel in
 * JSON as {"base64": "...", "size": N, "content_type": "...", "filename": "..."}
 * (content_type and filename when known), documented in
 * docs/workflow-format.md. A webhook's body of a non-text type, an HTTP
 * answer that is not text, a file uploaded to a hook and a mail attachment
 * all take this one shape. */
#ifndef AXON_BINARY_H
#define AXON_BINARY_H
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* A new binary data object; content_type and filename may be NULL. */
json_t *binary_new(const void *data, size_t len, const char *content_type, const char *filename);
/* Whether v has the shape of binary data (an object with a "base64" string). */
bool binary_is(const json_t *v);
/* The bytes of binary data (*data malloc'd, NUL-terminated for convenience),
 * or -1 with a sentence in err. */
int binary_decode(const json_t *v, unsigned char **data, size_t *len, char *err, size_t errlen);

#endif
