/* The field list every parser fills, and the checks they share: what a clean
 * name and a clean value are. */
#include "web/form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static void add_field(struct form *f, const char *name, size_t name_len, const char *value, size_t value_len)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->fields = xrealloc(f->fields, f->cap * sizeof *f->fields);
	}
	struct form_field *ff = &f->fields[f->n++];
	ff->name = xstrndup(name, name_len);
	ff->value = xstrndup(value_len ? value : "", value_len);
	ff->value_len = value_len;
	ff->filename = NULL;
	ff->content_type = NULL;
}

void form_add(struct form *f, const char *name, const char *value, size_t value_len)
{
	add_field(f, name, strlen(name), value, value_len);
}

const struct form_field *form_field(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->fields[i].name, name))
			return &f->fields[i];
	return NULL;
}

const char *form_get(const struct form *f, const char *name)
{
	const struct form_field *ff = form_field(f, name);
	return ff ? ff->value : NULL;
}

size_t form_count(const struct form *f, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->fields[i].name, name))
			n++;
	return n;
}

void form_free(struct form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->fields[i].name);
		free(f->fields[i].value);
		free(f->fields[i].filename);
		free(f->fields[i].content_type);
	}
	free(f->fields);
	f->fields = NULL;
	f->n = f->cap = 0;
}

/* The length of the UTF-8 sequence at s and its code point in *cp, or 0 if
 * the sequence is invalid: truncated, overlong, a surrogate or above U+10FFFF. */
static size_t utf8_next(const unsigned char *s, size_t len, unsigned *cp)
{
	unsigned c = s[0], min;
	size_t n;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2, min = 0x80, *cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3, min = 0x800, *cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, min = 0x10000, *cp = c & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

const char *text_problem(const char *s, size_t len, int single_line)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = utf8_next(p + i, len - i, &cp);
		if (!n)
			return "invalid UTF-8";
		if (cp == 0)
			return "contains a NUL byte";
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			if (single_line || (cp != '\t' && cp != '\n' && cp != '\r'))
				return "contains a control character";
		i += n;
	}
	return NULL;
}

int text_is_clean(const char *s, size_t len)
{
	return text_problem(s, len, 0) == NULL;
}

int form_check_name(const char *label, const char *name, size_t name_len, char *err, size_t errlen)
{
	const char *why;
	if (name_len == 0)
		snprintf(err, errlen, "%s has an empty name", label);
	else if (name_len > FORM_MAX_NAME)
		snprintf(err, errlen, "%s: the name is longer than %d bytes", label, FORM_MAX_NAME);
	else if ((why = text_problem(name, name_len, 1)))
		snprintf(err, errlen, "%s: bad name (%s)", label, why);
	else
		return 0;
	return -1;
}

int form_name_excerpt(const char *name, size_t name_len)
{
	size_t n = name_len;
	if (n > 64)
		for (n = 64; n && ((unsigned char)name[n] & 0xc0) == 0x80; n--)
			;
	return (int)n;
}

int form_add_checked(struct form *f, const char *label, const char *name, size_t name_len,
		     const char *value, size_t value_len, int is_file, char *err, size_t errlen)
{
	if (f->n >= FORM_MAX_FIELDS) {
		snprintf(err, errlen, "too many fields (at most %d)", FORM_MAX_FIELDS);
		return -1;
	}
	if (form_check_name(label, name, name_len, err, errlen) < 0)
		return -1;
	const char *why = is_file ? NULL : text_problem(value, value_len, 0);
	if (why) {
		snprintf(err, errlen, "field '%.*s': %s", form_name_excerpt(name, name_len), name, why);
		return -1;
	}
	add_field(f, name, name_len, value, value_len);
	return 0;
}
