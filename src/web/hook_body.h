/* A webhook's body, parsed by the Content-Type its sender declared and by
 * nothing else: nothing in the body can change how it is read. */
#ifndef AXON_WEB_HOOK_BODY_H
#define AXON_WEB_HOOK_BODY_H
#include <stddef.h>

#include <jansson.h>

/* application/json and every type ending in +json: the JSON value (duplicate
 * keys refused); application/x-www-form-urlencoded and multipart/form-data:
 * an object of fields (a repeated name gives an array, an uploaded file
 * binary data); text/... and XML types: a string, which must be UTF-8; any
 * other type, or none: binary data. An empty body is null.
 * Returns the value, or NULL with a sentence in err naming what is wrong. */
json_t *hook_body_parse(const char *content_type, const char *body, size_t len, char *err, size_t errlen);

#endif
