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
#define FORM_MAX_PART_HEADERS 8192  /* bytes of headers in one multipart part */
#define FORM_MAX_BOUNDARY 70        /* RFC 2046 */
#define FORM_MAX_COOKIE_HEADER 8192
#define FORM_MAX_COOKIES 100
#define FORM_MAX_JSON_DEPTH 32      /* the top-level object is depth 1 */

struct form_field {
	char *name;         /* NUL-terminated, valid UTF-8, no control characters */
	char *value;        /* NUL-terminated; for a file, its bytes (may contain NUL) */
	size_t value_len;
	/* Multipart file parts only, else NULL: as the client sent it, which may be
	 * "" or a whole Windows path; never use it as a path. */
	char *filename;
	char *content_type; /* multipart parts only, else NULL */
};

struct form {
	struct form_field *fields;
	size_t n, cap;
};

#define FORM_INIT { NULL, 0, 0 }

/* Each parser appends to f and returns 0, or -1 with a reason in err (f then
 * holds what was parsed before the error; form_free it either way).
 * FORM_MAX_FIELDS bounds the whole form, so a query string and a body parsed
 * into one form share it. */
int form_parse_urlencoded(struct form *f, const char *data, size_t len, char *err, size_t errlen);
int form_parse_multipart(struct form *f, const char *content_type, const char *data, size_t len,
			 char *err, size_t errlen);
/* header may be NULL (no Cookie header): no fields, success. */
int form_parse_cookies(struct form *f, const char *header, char *err, size_t errlen);
/* A JSON object body: strings, numbers and booleans become one field each, an
 * array of scalars becomes one field per element, an object or array of
 * objects becomes one field holding its compact JSON text; null is skipped. */
int form_parse_json(struct form *f, const char *data, size_t len, char *err, size_t errlen);

/* Appends a field without any check (the value is copied, value_len bytes). */
void form_add(struct form *f, const char *name, const char *value, size_t value_len);
const char *form_get(const struct form *f, const char *name);          /* first value or NULL */
const struct form_field *form_field(const struct form *f, const char *name);
size_t form_count(const struct form *f, const char *name);
void form_free(struct form *f);

/* Percent-decoding with '+' as space; returns -1 on a bad escape. *out is
 * NUL-terminated and the caller frees it. */
int url_decode(const char *in, size_t len, char **out, size_t *outlen);
/* 1 if s[0..len) is valid UTF-8 (no overlong forms, no surrogates, nothing
 * above U+10FFFF) with no NUL and no control character but \t \n \r.
 * Control characters are C0, DEL and C1 (U+0080..U+009F). */
int text_is_clean(const char *s, size_t len);
/* Why s[0..len) is not clean ("invalid UTF-8", "contains a NUL byte",
 * "contains a control character"), or NULL if it is. With single_line,
 * \t \n \r are refused too. */
const char *text_problem(const char *s, size_t len, int single_line);

/* 0 if name is 1..FORM_MAX_NAME bytes of single-line clean text, else -1
 * with a reason in err; label ("field 3", "part 2") names the field, as its
 * name is not yet known to be printable. */
int form_check_name(const char *label, const char *name, size_t name_len, char *err, size_t errlen);
/* How many bytes of a clean name to quote in a message: all of a short name,
 * the first 64 bytes or so of a long one, cut between two characters. */
int form_name_excerpt(const char *name, size_t name_len);
/* The checks every parser makes before adding a field: room for one more
 * field, form_check_name, and, unless the field is a file, a clean value.
 * Returns 0 with the field added, or -1 with a reason in err. */
int form_add_checked(struct form *f, const char *label, const char *name, size_t name_len,
		     const char *value, size_t value_len, int is_file, char *err, size_t errlen);

#endif
