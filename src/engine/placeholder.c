#include "engine/placeholder.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* One step of a path, as offsets into the source: the key or index text,
 * and where the step ends (past a closing ']'), for messages. */
struct step {
	size_t off, len, end;
};

struct placeholder {
	size_t start, end;  /* "{{" .. past "}}" */
	struct step steps[PLACEHOLDER_MAX_DEPTH];
	size_t nsteps;
	json_t *fallback;   /* the default, or NULL */
};

struct template {
	const char *text;
	size_t len;
	size_t n;
	struct placeholder ph[PLACEHOLDER_MAX_COUNT];
};

static void template_free(struct template *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		json_decref(t->ph[i].fallback);
	free(t);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The characters a bare (unquoted) JSON number, true, false or null can hold. */
static int is_bare_literal_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || c == '-' || c == '+' || c == '.' || c == 'E';
}

static int parse_fail(char *err, size_t errlen, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int parse_fail(char *err, size_t errlen, size_t off, const char *fmt, ...)
{
	char what[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "offset %zu: %s", off, what);
	return -1;
}

static size_t skip_space(const struct template *t, size_t i)
{
	while (i < t->len && is_space(t->text[i]))
		i++;
	return i;
}

/* path: name ( "." (name | digits) | "[" digits "]" )* */
static int parse_path(const struct template *t, struct placeholder *ph, size_t *pos, char *err, size_t errlen)
{
	const char *s = t->text;
	size_t i = *pos;
	if (i >= t->len || !is_name_start(s[i]))
		return parse_fail(err, errlen, i, "expected a path such as trigger.body after '{{' "
		                  "(a name starting with a letter or _; placeholders hold paths only, never code)");
	for (;;) {
		size_t off = i, end;
		if (ph->nsteps == 0) {
			while (i < t->len && is_name_char(s[i]))
				i++;
			end = i;
		} else if (i < t->len && s[i] == '.') {
			off = ++i;
			while (i < t->len && is_name_char(s[i]))
				i++;
			if (i == off)
				return parse_fail(err, errlen, i, "expected a name or an index after '.'");
			end = i;
		} else if (i < t->len && s[i] == '[') {
			off = ++i;
			while (i < t->len && is_digit(s[i]))
				i++;
			if (i == off)
				return parse_fail(err, errlen, i, "expected an index (digits) after '['");
			if (i >= t->len || s[i] != ']')
				return parse_fail(err, errlen, i, "expected ']' to close the index");
			end = ++i;
		} else {
			break;
		}
		if (ph->nsteps == PLACEHOLDER_MAX_DEPTH)
			return parse_fail(err, errlen, off, "the path is deeper than %d steps", PLACEHOLDER_MAX_DEPTH);
		ph->steps[ph->nsteps++] = (struct step){ off, (s[end - 1] == ']' ? end - 1 : end) - off, end };
	}
	*pos = i;
	return 0;
}

/* "| default: <JSON string, number, true, false or null>", the '|' already consumed. */
static int parse_default(const struct template *t, struct placeholder *ph, size_t *pos, char *err, size_t errlen)
{
	const char *s = t->text;
	size_t i = skip_space(t, *pos);
	if (t->len - i < 7 || memcmp(s + i, "default", 7) || (i + 7 < t->len && is_name_char(s[i + 7])))
		return parse_fail(err, errlen, i, "expected 'default' after '|' (the only filter there is)");
	i = skip_space(t, i + 7);
	if (i >= t->len || s[i] != ':')
		return parse_fail(err, errlen, i, "expected ':' after 'default'");
	i = skip_space(t, i + 1);
	size_t start = i;
	if (i < t->len && s[i] == '"') {
		for (i++; i < t->len && s[i] != '"'; i++)
			if (s[i] == '\\')
				i++;
		if (i >= t->len)
			return parse_fail(err, errlen, start, "expected a closing '\"' for the default");
		i++;
	} else {
		while (i < t->len && is_bare_literal_char(s[i]))
			i++;
	}
	json_error_t je;
	json_t *v = i > start ? json_loadb(s + start, i - start, JSON_DECODE_ANY, &je) : NULL;
	if (!v || json_is_object(v) || json_is_array(v)) {
		json_decref(v);
		return parse_fail(err, errlen, start, "expected a default that is a JSON string (in double quotes), "
		                  "a number, true, false or null");
	}
	ph->fallback = v;
	*pos = i;
	return 0;
}

static struct template *template_parse(const char *text, size_t len, char *err, size_t errlen)
{
	if (len > PLACEHOLDER_MAX_INPUT) {
		snprintf(err, errlen, "the text is %zu bytes long, more than the %d a template may have", len,
		         PLACEHOLDER_MAX_INPUT);
		return NULL;
	}
	struct template *t = xcalloc(1, sizeof *t);
	t->text = text;
	t->len = len;
	size_t i = 0;
	const char *open;
	while (i < len && (open = memmem(text + i, len - i, "{{", 2))) {
		size_t start = (size_t)(open - text);
		if (t->n == PLACEHOLDER_MAX_COUNT) {
			parse_fail(err, errlen, start, "more than %d placeholders in one string", PLACEHOLDER_MAX_COUNT);
			goto bad;
		}
		struct placeholder *ph = &t->ph[t->n++];
		ph->start = start;
		i = skip_space(t, start + 2);
		if (parse_path(t, ph, &i, err, errlen))
			goto bad;
		i = skip_space(t, i);
		if (i < len && text[i] == '|') {
			i++;
			if (parse_default(t, ph, &i, err, errlen))
				goto bad;
			i = skip_space(t, i);
		}
		if (len - i < 2 || memcmp(text + i, "}}", 2)) {
			parse_fail(err, errlen, i, "expected '}}' to close the placeholder opened at offset %zu"
			           " (after the path, only '| default: value' may follow)", start);
			goto bad;
		}
		ph->end = i + 2;
		i = ph->end;
	}
	return t;
bad:
	template_free(t);
	return NULL;
}

int placeholder_present(const char *text, size_t len)
{
	return memmem(text, len, "{{", 2) != NULL;
}

json_t *placeholder_roots(const char *text, size_t len, char *err, size_t errlen)
{
	struct template *t = template_parse(text, len, err, errlen);
	if (!t)
		return NULL;
	json_t *roots = json_array();
	for (size_t i = 0; i < t->n; i++) {
		json_t *name = json_stringn(text + t->ph[i].steps[0].off, t->ph[i].steps[0].len);
		size_t j;
		json_t *seen;
		int dup = 0;
		json_array_foreach(roots, j, seen)
			dup |= json_equal(seen, name);
		if (dup)
			json_decref(name);
		else
			json_array_append_new(roots, name);
	}
	template_free(t);
	return roots;
}

char *placeholder_rename_root(const char *text, size_t len, const char *from, const char *to)
{
	char err[8];
	struct template *t = template_parse(text, len, err, sizeof err);
	if (!t)
		return NULL;
	struct strbuf out = STRBUF_INIT;
	size_t copied = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct step *root = &t->ph[i].steps[0];
		if (root->len != strlen(from) || memcmp(text + root->off, from, root->len))
			continue;
		sb_add(&out, text + copied, root->off - copied);
		sb_adds(&out, to);
		copied = root->off + root->len;
	}
	sb_add(&out, text + copied, len - copied);
	template_free(t);
	return sb_detach(&out);
}

/* An array index: digits only, small enough for any array we could hold. */
static int step_index(const char *s, size_t len, size_t *index)
{
	if (len == 0 || len > 9)
		return 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return 0;
		n = n * 10 + (size_t)(s[i] - '0');
	}
	*index = n;
	return 1;
}

/* The value a placeholder names; a missing or null value takes the default.
 * NULL with the reason in err when there is neither. */
static const json_t *resolve(const struct template *t, const struct placeholder *ph, const json_t *scope,
                             char *err, size_t errlen)
{
	const json_t *v = scope;
	const char *s = t->text;
	size_t k;
	for (k = 0; k < ph->nsteps && v; k++) {
		const struct step *st = &ph->steps[k];
		size_t index;
		if (json_is_object(v))
			v = json_object_getn(v, s + st->off, st->len);
		else if (json_is_array(v) && step_index(s + st->off, st->len, &index))
			v = json_array_get(v, index);
		else
			v = NULL;
	}
	if (v && !json_is_null(v))
		return v;
	if (ph->fallback)
		return ph->fallback;
	if (v)
		return v;
	const struct step *first = &ph->steps[0], *last = &ph->steps[ph->nsteps - 1], *bad = &ph->steps[k - 1];
	int pathlen = (int)(last->end - first->off);
	if (k == 1)
		snprintf(err, errlen, "offset %zu: no value for '%.*s': the run has no '%.*s' "
		         "(add a default: {{ %.*s | default: \"\" }})", ph->start, pathlen, s + first->off,
		         (int)bad->len, s + bad->off, pathlen, s + first->off);
	else
		snprintf(err, errlen, "offset %zu: no value for '%.*s': '%.*s' has no '%.*s' "
		         "(add a default: {{ %.*s | default: \"\" }})", ph->start, pathlen, s + first->off,
		         (int)(ph->steps[k - 2].end - first->off), s + first->off, (int)bad->len, s + bad->off,
		         pathlen, s + first->off);
	return NULL;
}

/* Strings go in as they are; every other value as compact JSON. */
static void render(struct strbuf *out, const json_t *v)
{
	if (json_is_string(v)) {
		sb_add(out, json_string_value(v), json_string_length(v));
		return;
	}
	char *dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (dump)
		sb_adds(out, dump);
	free(dump);
}

/* 1 when the placeholder's root is a name in scope. */
static int root_known(const struct template *t, const struct placeholder *ph, const json_t *scope)
{
	return json_object_getn(scope, t->text + ph->steps[0].off, ph->steps[0].len) != NULL;
}

/* fill: placeholders whose root is not in scope are kept as they are, for
 * the block to fill, and the result is always a string. */
static json_t *eval(const char *text, size_t len, const json_t *scope, int fill, char *err, size_t errlen)
{
	struct template *t = template_parse(text, len, err, errlen);
	if (!t)
		return NULL;
	json_t *result = NULL;
	if (!fill && t->n == 1 && t->ph[0].start == 0 && t->ph[0].end == len) {
		const json_t *v = resolve(t, &t->ph[0], scope, err, errlen);
		if (v)
			result = json_deep_copy(v);
		goto done;
	}
	struct strbuf out = STRBUF_INIT;
	size_t pos = 0;
	for (size_t i = 0; i < t->n; i++) {
		sb_add(&out, text + pos, t->ph[i].start - pos);
		pos = t->ph[i].end;
		if (fill && !root_known(t, &t->ph[i], scope)) {
			sb_add(&out, text + t->ph[i].start, t->ph[i].end - t->ph[i].start);
			continue;
		}
		const json_t *v = resolve(t, &t->ph[i], scope, err, errlen);
		if (!v) {
			sb_free(&out);
			goto done;
		}
		render(&out, v);
	}
	sb_add(&out, text + pos, len - pos);
	result = json_stringn(sb_str(&out), out.len);
	if (!result)
		snprintf(err, errlen, "the text is not valid UTF-8");
	sb_free(&out);
done:
	template_free(t);
	return result;
}

json_t *placeholder_eval(const char *text, size_t len, const json_t *scope, char *err, size_t errlen)
{
	return eval(text, len, scope, 0, err, errlen);
}

static json_t *eval_json(const json_t *value, const json_t *scope, int fill, struct strbuf *field, char *err,
			 size_t errlen)
{
	size_t mark = field->len;
	json_t *out = NULL;
	if (json_is_string(value)) {
		char why[400];
		out = eval(json_string_value(value), json_string_length(value), scope, fill, why, sizeof why);
		if (!out)
			snprintf(err, errlen, "%s%s%s", sb_str(field), field->len ? ": " : "", why);
	} else if (json_is_object(value)) {
		const char *key;
		json_t *v;
		out = json_object();
		json_object_foreach((json_t *)value, key, v) {
			sb_printf(field, "%s%s", field->len ? "." : "", key);
			json_t *c = eval_json(v, scope, 0, field, err, errlen);
			field->len = mark;
			field->data[mark] = '\0';
			if (!c || json_object_set_new(out, key, c))
				goto bad;
		}
	} else if (json_is_array(value)) {
		size_t i;
		json_t *v;
		out = json_array();
		json_array_foreach(value, i, v) {
			sb_printf(field, "%s%zu", field->len ? "." : "", i);
			json_t *c = eval_json(v, scope, 0, field, err, errlen);
			field->len = mark;
			field->data[mark] = '\0';
			if (!c || json_array_append_new(out, c))
				goto bad;
		}
	} else {
		out = json_deep_copy(value);
	}
	return out;
bad:
	json_decref(out);
	return NULL;
}

json_t *placeholder_eval_json(const json_t *value, const json_t *scope, char *err, size_t errlen)
{
	return placeholder_eval_config(value, NULL, scope, err, errlen);
}

json_t *placeholder_eval_config(const json_t *config, const json_t *field_formats, const json_t *scope, char *err,
				size_t errlen)
{
	struct strbuf field = STRBUF_INIT;
	json_t *out;
	if (!json_is_object(config) || !json_object_size(field_formats)) {
		out = eval_json(config, scope, 0, &field, err, errlen);
		sb_free(&field);
		return out;
	}
	out = json_object();
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)config, key, v) {
		const char *format = json_string_value(json_object_get(field_formats, key));
		json_t *c;
		sb_reset(&field);
		sb_adds(&field, key);
		if (format && !strcmp(format, "code") && json_is_string(v))
			c = json_copy(v);
		else
			c = eval_json(v, scope, format && !strcmp(format, "template") && json_is_string(v), &field, err, errlen);
		if (!c) {
			json_decref(out);
			out = NULL;
			break;
		}
		json_object_set_new(out, key, c);
	}
	sb_free(&field);
	return out;
}
