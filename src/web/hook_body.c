#include "web/hook_body.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "binary.h"
#include "web/form.h"

/* The media type alone ("application/json"), lower-case, without parameters. */
static void media_type(const char *content_type, char *out, size_t outlen)
{
	size_t n = 0;
	const char *p = content_type;
	while (*p == ' ' || *p == '\t')
		p++;
	for (; *p && *p != ';' && *p != ' ' && *p != '\t' && n + 1 < outlen; p++)
		out[n++] = (char)tolower((unsigned char)*p);
	out[n] = '\0';
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

static json_t *parse_json(const char *body, size_t len, char *err, size_t errlen)
{
	json_error_t je;
	json_t *v = json_loadb(body, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
	if (!v)
		snprintf(err, errlen, "The body is declared JSON but is not: %s (line %d, column %d).", je.text,
			 je.line, je.column);
	return v;
}

/* {name: value}, a repeated name as [values], a file as binary data. */
static json_t *form_object(const struct form *f)
{
	json_t *o = json_object();
	for (size_t i = 0; i < f->n; i++) {
		const struct form_field *ff = &f->fields[i];
		json_t *v = ff->filename ? binary_new(ff->value, ff->value_len, ff->content_type, ff->filename)
					 : json_stringn(ff->value, ff->value_len);
		json_t *had = json_object_get(o, ff->name);
		if (!had) {
			json_object_set_new(o, ff->name, v);
		} else if (json_is_array(had)) {
			json_array_append_new(had, v);
		} else {
			json_object_set_new(o, ff->name, json_pack("[O, o]", had, v));
		}
	}
	return o;
}

static json_t *parse_form(const char *content_type, bool multipart, const char *body, size_t len, char *err,
			  size_t errlen)
{
	struct form f = FORM_INIT;
	char why[256];
	int rc = multipart ? form_parse_multipart(&f, content_type, body, len, why, sizeof why)
			   : form_parse_urlencoded(&f, body, len, why, sizeof why);
	json_t *v = rc < 0 ? NULL : form_object(&f);
	if (!v)
		snprintf(err, errlen, "The body is declared a form (%s) but cannot be read as one: %s",
			 multipart ? "multipart/form-data" : "application/x-www-form-urlencoded", why);
	form_free(&f);
	return v;
}

static json_t *parse_text(const char *type, const char *body, size_t len, char *err, size_t errlen)
{
	const char *why = text_problem(body, len, 0);
	if (why) {
		snprintf(err, errlen, "The body is declared text (%s) but is not UTF-8 text: it %s%s.", type,
			 strncmp(why, "contains", 8) ? "is " : "", why);
		return NULL;
	}
	return json_stringn(body, len);
}

json_t *hook_body_parse(const char *content_type, const char *body, size_t len, char *err, size_t errlen)
{
	char type[128];
	if (!len)
		return json_null();
	media_type(content_type ? content_type : "", type, sizeof type);
	if (!strcmp(type, "application/json") || ends_with(type, "+json"))
		return parse_json(body, len, err, errlen);
	if (!strcmp(type, "application/x-www-form-urlencoded") || !strcmp(type, "multipart/form-data"))
		return parse_form(content_type, type[0] == 'm', body, len, err, errlen);
	if (!strncmp(type, "text/", 5) || !strcmp(type, "application/xml") || ends_with(type, "+xml"))
		return parse_text(type, body, len, err, errlen);
	return binary_new(body, len, *type ? type : NULL, NULL);
}
