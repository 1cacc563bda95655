/* multipart/form-data bodies (RFC 7578): parts between lines made of "--"
 * and the boundary named in the Content-Type, each part with its own headers.
 * Only Content-Disposition and Content-Type matter to us; other part headers
 * are checked for form and ignored. */
#include "web/form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"

/* A slice of the input: nothing is copied until a field is added. */
struct span {
	const char *p;
	size_t len;
};

struct part {
	struct span disposition, content_type;
	struct span name, filename;
	int has_disposition, has_content_type, has_name, has_filename;
};

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 7230 tchar: what a header or parameter name is made of. */
static int is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* RFC 2046 bchars, but for the space (allowed, not last). */
static int is_bchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("'()+_,-./:=? ", c));
}

static int span_is(struct span s, const char *word)
{
	return s.len == strlen(word) && !strncasecmp(s.p, word, s.len);
}

static const char *skip_ows(const char *p, const char *end)
{
	while (p < end && is_ows(*p))
		p++;
	return p;
}

/* Reads the parameters after a media or disposition type: (; name=value)*
 * with a value a token or a quoted string. Calls found() for each; stops on the
 * first that returns -1. Returns 0, -1 if malformed, -2 if found() refused. */
static int each_parameter(const char *p, const char *end, void *ctx,
			  int (*found)(void *ctx, struct span name, struct span value))
{
	for (;;) {
		p = skip_ows(p, end);
		if (p == end)
			return 0;
		if (*p != ';')
			return -1;
		p = skip_ows(p + 1, end);
		if (p == end)
			return 0; /* a trailing ';' */
		struct span name = { p, 0 }, value;
		while (p < end && is_tchar(*p))
			p++;
		name.len = (size_t)(p - name.p);
		if (!name.len || p == end || *p != '=')
			return -1;
		p++;
		if (p < end && *p == '"') {
			/* No backslash escapes: browsers send '"' as %22 and a Windows
			 * path's backslashes as they are (WHATWG HTML, form submission). */
			const char *close = memchr(p + 1, '"', (size_t)(end - p - 1));
			if (!close)
				return -1;
			value = (struct span){ p + 1, (size_t)(close - p - 1) };
			p = close + 1;
		} else {
			value.p = p;
			while (p < end && *p != ';' && !is_ows(*p))
				p++;
			value.len = (size_t)(p - value.p);
		}
		if (found(ctx, name, value) < 0)
			return -2;
	}
}

static int found_boundary(void *ctx, struct span name, struct span value)
{
	struct span *boundary = ctx;
	if (!span_is(name, "boundary"))
		return 0;
	if (boundary->p)
		return -1;
	*boundary = value;
	return 0;
}

#define TYPE_HELP " (expected multipart/form-data; boundary=...)"

static int find_boundary(const char *content_type, struct span *boundary, char *err, size_t errlen)
{
	if (!content_type) {
		snprintf(err, errlen, "no Content-Type" TYPE_HELP);
		return -1;
	}
	const char *end = content_type + strlen(content_type);
	const char *p = skip_ows(content_type, end);
	static const char type[] = "multipart/form-data";
	if (strncasecmp(p, type, sizeof type - 1) || (p[sizeof type - 1] && p[sizeof type - 1] != ';' &&
						     !is_ows(p[sizeof type - 1]))) {
		snprintf(err, errlen, "the Content-Type is not multipart/form-data" TYPE_HELP);
		return -1;
	}
	*boundary = (struct span){ NULL, 0 };
	switch (each_parameter(p + sizeof type - 1, end, boundary, found_boundary)) {
	case -1:
		snprintf(err, errlen, "malformed parameters in the Content-Type" TYPE_HELP);
		return -1;
	case -2:
		snprintf(err, errlen, "the Content-Type has two boundary parameters");
		return -1;
	}
	if (!boundary->p || !boundary->len) {
		snprintf(err, errlen, "the Content-Type has no boundary" TYPE_HELP);
		return -1;
	}
	if (boundary->len > FORM_MAX_BOUNDARY) {
		snprintf(err, errlen, "the boundary is longer than %d characters (RFC 2046)", FORM_MAX_BOUNDARY);
		return -1;
	}
	for (size_t i = 0; i < boundary->len; i++) {
		if (!is_bchar(boundary->p[i]) || (boundary->p[i] == ' ' && i == boundary->len - 1)) {
			snprintf(err, errlen, "the boundary has a character RFC 2046 does not allow "
				 "(letters, digits and '()+_,-./:=? are allowed)");
			return -1;
		}
	}
	return 0;
}

struct disposition_ctx {
	struct part *part;
	const char *duplicate;
};

static int found_disposition_param(void *ctx, struct span name, struct span value)
{
	struct disposition_ctx *c = ctx;
	int *has;
	struct span *slot;
	if (span_is(name, "name"))
		has = &c->part->has_name, slot = &c->part->name;
	else if (span_is(name, "filename"))
		has = &c->part->has_filename, slot = &c->part->filename;
	else
		return 0; /* filename* and the like: RFC 7578 section 4.2 says not to use them */
	if (*has) {
		c->duplicate = span_is(name, "name") ? "name" : "filename";
		return -1;
	}
	*has = 1;
	*slot = value;
	return 0;
}

static int parse_disposition(size_t index, struct part *part, char *err, size_t errlen)
{
	const char *p = part->disposition.p, *end = p + part->disposition.len;
	struct span type = { p, 0 };
	while (p < end && *p != ';' && !is_ows(*p))
		p++;
	type.len = (size_t)(p - type.p);
	if (!span_is(type, "form-data")) {
		/* The excerpt ends on a character boundary: the message must stay valid UTF-8. */
		snprintf(err, errlen, "part %zu: the Content-Disposition is '%.*s', not form-data", index,
			 form_name_excerpt(type.p, type.len), type.p);
		return -1;
	}
	struct disposition_ctx ctx = { part, NULL };
	switch (each_parameter(p, end, &ctx, found_disposition_param)) {
	case -1:
		snprintf(err, errlen, "part %zu: malformed Content-Disposition (expected form-data; name=\"...\")",
			 index);
		return -1;
	case -2:
		snprintf(err, errlen, "part %zu: the Content-Disposition has two %s parameters", index, ctx.duplicate);
		return -1;
	}
	if (!part->has_name) {
		snprintf(err, errlen, "part %zu: the Content-Disposition has no name", index);
		return -1;
	}
	return 0;
}

static int parse_header_line(size_t index, struct part *part, const char *line, size_t len, char *err, size_t errlen)
{
	struct span name = { line, 0 };
	while (name.len < len && is_tchar(line[name.len]))
		name.len++;
	if (!name.len || name.len == len || line[name.len] != ':') {
		snprintf(err, errlen, "part %zu: malformed header line (expected 'Name: value')", index);
		return -1;
	}
	const char *end = line + len;
	struct span value = { skip_ows(line + name.len + 1, end), 0 };
	while (end > value.p && is_ows(end[-1]))
		end--;
	value.len = (size_t)(end - value.p);
	const char *why = text_problem(value.p, value.len, 1);
	if (why) {
		snprintf(err, errlen, "part %zu: header %.*s: %s", index, (int)name.len, name.p, why);
		return -1;
	}
	struct span *slot = NULL;
	int *has = NULL;
	if (span_is(name, "Content-Disposition"))
		slot = &part->disposition, has = &part->has_disposition;
	else if (span_is(name, "Content-Type"))
		slot = &part->content_type, has = &part->has_content_type;
	if (!slot)
		return 0;
	if (*has) {
		snprintf(err, errlen, "part %zu: two %.*s headers", index, (int)name.len, name.p);
		return -1;
	}
	*has = 1;
	*slot = value;
	return 0;
}

/* Reads a part's header lines from *pp up to and including the empty line
 * that ends them, and leaves *pp after it. Lines end in CRLF or a bare LF. */
static int parse_part_headers(size_t index, const char **pp, const char *end, struct part *part,
			      char *err, size_t errlen)
{
	const char *p = *pp;
	const char *limit = (size_t)(end - p) > FORM_MAX_PART_HEADERS ? p + FORM_MAX_PART_HEADERS : end;
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(limit - p));
		if (!nl) {
			if (limit < end)
				snprintf(err, errlen, "part %zu: headers longer than %d KiB", index,
					 FORM_MAX_PART_HEADERS / 1024);
			else
				snprintf(err, errlen, "part %zu: the body ends in the part's headers "
					 "(no closing boundary: is the upload truncated?)", index);
			return -1;
		}
		const char *line = p;
		size_t len = (size_t)(nl - line) - (nl > line && nl[-1] == '\r');
		p = nl + 1;
		if (!len)
			break;
		if (parse_header_line(index, part, line, len, err, errlen) < 0)
			return -1;
	}
	*pp = p;
	if (!part->has_disposition) {
		snprintf(err, errlen, "part %zu has no Content-Disposition header", index);
		return -1;
	}
	return parse_disposition(index, part, err, errlen);
}

static int add_part(struct form *f, size_t index, const struct part *part, const char *content, size_t len,
		    char *err, size_t errlen)
{
	char label[32];
	snprintf(label, sizeof label, "part %zu", index);
	if (form_add_checked(f, label, part->name.p, part->name.len, content, len, part->has_filename, err,
			     errlen) < 0)
		return -1;
	struct form_field *ff = &f->fields[f->n - 1];
	if (part->has_filename)
		ff->filename = xstrndup(part->filename.p, part->filename.len);
	if (part->has_content_type)
		ff->content_type = xstrndup(part->content_type.p, part->content_type.len);
	return 0;
}

#define TRUNCATED_HELP "the upload is truncated, or the boundary is not the one in the Content-Type"

int form_parse_multipart(struct form *f, const char *content_type, const char *data, size_t len,
			 char *err, size_t errlen)
{
	struct span boundary;
	if (find_boundary(content_type, &boundary, err, errlen) < 0)
		return -1;
	/* Every delimiter but a first one that opens the body follows a CRLF. */
	char delim[4 + FORM_MAX_BOUNDARY + 1];
	size_t dlen = (size_t)snprintf(delim, sizeof delim, "\r\n--%.*s", (int)boundary.len, boundary.p);
	if (!len)
		data = ""; /* so that data + len below is defined even for NULL */
	const char *end = data + len, *p;
	if (len >= dlen - 2 && !memcmp(data, delim + 2, dlen - 2)) {
		p = data + dlen - 2;
	} else if ((p = memmem(data, len, delim, dlen))) {
		p += dlen;
	} else {
		snprintf(err, errlen, "the body has no boundary line (" TRUNCATED_HELP ")");
		return -1;
	}
	for (size_t index = 1;; index++) {
		/* p is just after a delimiter: "--" closes the body, else the line ends. */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return 0;
		p = skip_ows(p, end);
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
			p += 2;
		} else if (p < end && *p == '\n') {
			p++;
		} else {
			if (p == end)
				snprintf(err, errlen, "no closing boundary (" TRUNCATED_HELP ")");
			else
				snprintf(err, errlen, "part %zu: malformed boundary line (the boundary must be "
					 "followed by a line end or by --)", index);
			return -1;
		}
		struct part part = { 0 };
		if (parse_part_headers(index, &p, end, &part, err, errlen) < 0)
			return -1;
		const char *content_end = memmem(p, (size_t)(end - p), delim, dlen);
		if (!content_end) {
			snprintf(err, errlen, "part %zu: no closing boundary (" TRUNCATED_HELP ")", index);
			return -1;
		}
		if (add_part(f, index, &part, p, (size_t)(content_end - p), err, errlen) < 0)
			return -1;
		p = content_end + dlen;
	}
}
