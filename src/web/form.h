/* Parsers for what a browser or a script sends: query strings and
 * application/x-www-form-urlencoded bodies, multipart/form-data uploads,
 * Cookie headers and JSON object bodies. All of them produce the same list of
 * fields, so a handler reads a form field the same way whatever the encoding.
 * Every parser refuses bad input with a sentence a person can act on. */
#ifndef AXON_FORM_H
#define AXON_FORM_H
#include <stddef.h>

#define FORM_MAX_FIELDS 1000
#define FORM_MAX_NAME 256

struct form_field {
	char *name;         /* NUL-terminated, valid UTF-8, no control characters */
	char *value;        /* NUL-terminated; for a file, its bytes (may contain NUL) */
	size_t value_len;
	char *filename;     /* multipart file parts only, else NULL */
	char *content_type; /* multipart parts only, else NULL */
};

struct form {
	struct form_field *fields;
	size_t n, cap;
};

#define FORM_INIT { NULL, 0, 0 }

/* Each parser appends to f and returns 0, or -1 with a reason in err (f then
 * holds what was parsed before the error; form_free it either way). */
int form_parse_urlencoded(struct form *f, const char *data, size_t len, char *err, size_t errlen);
int form_parse_multipart(struct form *f, const char *content_type, const char *data, size_t len,
			 char *err, size_t errlen);
int form_parse_cookies(struct form *f, const char *header, char *err, size_t errlen);
/* A JSON object body: strings, numbers and booleans become one field each, an
 * array of scalars becomes one field per element, an object or array of
 * objects becomes one field holding its compact JSON text. */
int form_parse_json(struct form *f, const char *data, size_t len, char *err, size_t errlen);

void form_add(struct form *f, const char *name, const char *value, size_t value_len);
const char *form_get(const struct form *f, const char *name);          /* first value or NULL */
const struct form_field *form_field(const struct form *f, const char *name);
size_t form_count(const struct form *f, const char *name);
void form_free(struct form *f);

/* Percent-decoding with '+' as space; returns -1 on a bad escape. */
int url_decode(const char *in, size_t len, char **out, size_t *outlen);
/* 1 if s[0..len) is valid UTF-8 with no NUL and no C0 control but \t \n \r. */
int text_is_clean(const char *s, size_t len);

#endif
