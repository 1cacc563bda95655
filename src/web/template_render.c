/* Rendering: walks the compiled tree (read-only, so any number of threads can
 * render the same set at once) and writes HTML5, every value through
 * sb_add_html. (Filling a copy of the libxml2 tree per request, then
 * serializing it, would cost a tree copy per page and give XHTML, not HTML5.) */
#include "web/template.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "web/template_tree.h"

/* ---- rendering ---- */

/* The value of a path: JSON from the model, or a loop's index/first/last. */
struct value {
	const json_t *json; /* NULL when missing or when not JSON */
	bool is_num;
	bool is_bool;
	long long num;
};

/* One ax:each iteration, innermost first. */
struct scope {
	const char *name;
	size_t len;
	const json_t *item;
	size_t index, count;
	const struct scope *up;
};

/* The page children that fill a layout's ax:content, outermost page last. */
struct slot {
	const struct tpl *page;
	const struct slot *up;
};

struct render {
	const json_t *model;
	const char *csrf;
	struct strbuf *out;
	struct strbuf tmp; /* scratch for values that are not strings */
	char *err;
	size_t errlen;
	size_t start; /* out->len before: kept on failure, and the base of MAX_OUTPUT */
	unsigned visits;
	int depth;
	const struct tpl *cur; /* for file names in messages */
};

static struct value lookup(const struct render *r, const struct scope *sc, const struct path *p)
{
	struct value v = { NULL, false, false, 0 };
	const struct seg *s = &p->seg[0];
	const json_t *cur = NULL;
	for (; sc; sc = sc->up) {
		if (s->len < sc->len || memcmp(s->name, sc->name, sc->len))
			continue;
		const char *rest = s->name + sc->len;
		if (!*rest) {
			cur = sc->item;
			break;
		}
		if (p->n > 1)
			continue;
		if (!strcmp(rest, "_index"))
			return (struct value){ NULL, true, false, (long long)sc->index };
		if (!strcmp(rest, "_first"))
			return (struct value){ NULL, false, true, sc->index == 0 };
		if (!strcmp(rest, "_last"))
			return (struct value){ NULL, false, true, sc->index + 1 == sc->count };
	}
	if (!sc)
		cur = json_object_get(r->model, s->name);
	for (size_t i = 1; cur && i < p->n; i++) {
		s = &p->seg[i];
		if (json_is_object(cur))
			cur = json_object_get(cur, s->name);
		else if (json_is_array(cur) && s->index >= 0)
			cur = json_array_get(cur, (size_t)s->index);
		else
			cur = NULL;
	}
	v.json = cur;
	return v;
}

static bool truthy(struct value v)
{
	if (v.is_num || v.is_bool)
		return v.num != 0;
	const json_t *j = v.json;
	switch (j ? json_typeof(j) : JSON_NULL) {
	case JSON_STRING: return json_string_length(j) > 0;
	case JSON_INTEGER: return json_integer_value(j) != 0;
	case JSON_REAL: return json_real_value(j) != 0.0;
	case JSON_TRUE: return true;
	case JSON_ARRAY: return json_array_size(j) > 0;
	case JSON_OBJECT: return json_object_size(j) > 0;
	default: return false;
	}
}

/* The text of a value, unescaped: strings point into the model, the rest
 * is formatted into r->tmp. Null and missing give "". */
static void value_text(struct render *r, struct value v, const char **s, size_t *len)
{
	sb_reset(&r->tmp);
	const json_t *j = v.json;
	if (v.is_num) {
		sb_printf(&r->tmp, "%lld", v.num);
	} else if (v.is_bool) {
		sb_adds(&r->tmp, v.num ? "true" : "false");
	} else if (json_is_string(j)) {
		*s = json_string_value(j);
		*len = json_string_length(j);
		return;
	} else if (json_is_integer(j)) {
		sb_printf(&r->tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
	} else if (j && !json_is_null(j)) {
		char *d = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
		if (d)
			sb_adds(&r->tmp, d);
		free(d);
	}
	*s = sb_str(&r->tmp);
	*len = r->tmp.len;
}

/* javascript:, data: and vbscript: URLs, as a browser would read them:
 * leading spaces and controls skipped, tabs and newlines inside ignored. */
static bool dangerous_url(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && (unsigned char)s[i] <= 0x20)
		i++;
	char scheme[12];
	size_t n = 0;
	for (; i < len && n < sizeof scheme - 1; i++) {
		char ch = s[i];
		if (ch == '\t' || ch == '\n' || ch == '\r')
			continue;
		if (ch == ':')
			break;
		scheme[n++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
	}
	if (i >= len || s[i] != ':')
		return false;
	scheme[n] = '\0';
	return !strcmp(scheme, "javascript") || !strcmp(scheme, "data") || !strcmp(scheme, "vbscript");
}

static int render_fail(struct render *r, unsigned line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int render_fail(struct render *r, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	template_vfail(r->err, r->errlen, r->cur->file, line, fmt, ap);
	va_end(ap);
	return -1;
}

/* class: the static one or ax:attr-class, then each ax:class-NAME that is on. */
static void render_class(struct render *r, const struct node *n, const struct scope *sc)
{
	struct strbuf *out = r->out;
	size_t mark = out->len;
	sb_adds(out, " class=\"");
	size_t empty = out->len;
	if (n->class_path.n) {
		const char *s;
		size_t len;
		value_text(r, lookup(r, sc, &n->class_path), &s, &len);
		sb_add_html(out, s, len);
	} else if (n->static_class) {
		sb_adds(out, n->static_class);
	}
	for (size_t i = 0; i < n->nclasses; i++) {
		if (!truthy(lookup(r, sc, &n->classes[i].path)))
			continue;
		if (out->len > empty)
			sb_addc(out, ' ');
		sb_add_html(out, n->classes[i].name, strlen(n->classes[i].name));
	}
	if (out->len > empty || (n->static_class && !n->class_path.n))
		sb_addc(out, '"');
	else
		out->len = mark, out->data[mark] = '\0'; /* no class after all */
}

/* `<tag` and the static attributes, the class, the attributes from ax:attr-, `>`. */
static void render_open_tag(struct render *r, const struct node *n, const struct scope *sc)
{
	struct strbuf *out = r->out;
	sb_add(out, n->text, n->class_at);
	if (n->static_class || n->class_path.n || n->nclasses)
		render_class(r, n, sc);
	sb_add(out, n->text + n->class_at, n->len - n->class_at);
	for (size_t i = 0; i < n->nattrs; i++) {
		const struct dyn_attr *a = &n->attrs[i];
		struct value v = lookup(r, sc, &a->path);
		bool is_true = v.is_bool ? v.num : json_is_true(v.json);
		bool is_false = v.is_bool ? !v.num
					  : !v.is_num && (!v.json || json_is_null(v.json) || json_is_false(v.json));
		if (is_false)
			continue; /* null, false, missing: no attribute */
		sb_addc(out, ' ');
		sb_adds(out, a->name);
		if (is_true)
			continue; /* a boolean attribute: checked, selected, disabled */
		const char *s;
		size_t len;
		value_text(r, v, &s, &len);
		sb_adds(out, "=\"");
		if (a->url && dangerous_url(s, len))
			sb_addc(out, '#');
		else
			sb_add_html(out, s, len);
		sb_addc(out, '"');
	}
	sb_addc(out, '>');
}

static int render_template(struct render *r, const struct tpl *p, const struct scope *sc, const struct slot *slot);
static int render_node(struct render *r, const struct node *n, const struct scope *sc, const struct slot *slot);

static int render_children(struct render *r, const struct node *n, const struct scope *sc, const struct slot *slot)
{
	for (size_t i = 0; i < n->nchildren; i++)
		if (render_node(r, &n->children[i], sc, slot) < 0)
			return -1;
	return 0;
}

/* One element once: its ax:each has been expanded by the caller. */
static int render_element(struct render *r, const struct node *n, const struct scope *sc, const struct slot *slot)
{
	if (++r->visits > MAX_VISITS || r->out->len - r->start > MAX_OUTPUT)
		return render_fail(r, n->line, "the page is too large (more than %u elements or %u bytes)", MAX_VISITS,
				   MAX_OUTPUT);
	if (n->if_path.n && !truthy(lookup(r, sc, &n->if_path)))
		return 0;
	if (n->unless_path.n && truthy(lookup(r, sc, &n->unless_path)))
		return 0;
	if (n->include) {
		if (!n->include_tpl)
			return render_fail(r, n->line, "ax:include names unknown template '%s'", n->include);
		const struct tpl *saved = r->cur;
		int rc = render_template(r, n->include_tpl, sc, NULL);
		r->cur = saved;
		return rc;
	}
	struct strbuf *out = r->out;
	bool tag = !(n->flags & NF_OMIT_TAG);
	if (tag) {
		if (n->flags & NF_HTML)
			sb_adds(out, "<!DOCTYPE html>\n");
		render_open_tag(r, n, sc);
	}
	if (n->flags & NF_FORM_POST) {
		sb_adds(out, "<input type=\"hidden\" name=\"csrf\" value=\"");
		sb_add_html(out, r->csrf, strlen(r->csrf));
		sb_adds(out, "\">");
	}
	if (n->flags & NF_VOID)
		return 0;
	int rc = 0;
	if (n->text_path.n) {
		const char *s;
		size_t len;
		value_text(r, lookup(r, sc, &n->text_path), &s, &len);
		sb_add_html(out, s, len);
	} else if ((n->flags & NF_CONTENT) && slot) {
		const struct tpl *saved = r->cur;
		r->cur = slot->page;
		rc = render_children(r, &slot->page->root, sc, slot->up);
		r->cur = saved;
	} else {
		rc = render_children(r, n, sc, slot);
	}
	if (tag)
		sb_add(out, n->close, n->close_len);
	return rc;
}

static int render_node(struct render *r, const struct node *n, const struct scope *sc, const struct slot *slot)
{
	if (!n->tag) {
		sb_add(r->out, n->text, n->len);
		return 0;
	}
	if (!n->each_path.n)
		return render_element(r, n, sc, slot);
	const json_t *a = lookup(r, sc, &n->each_path).json;
	size_t count = json_is_array(a) ? json_array_size(a) : 0;
	for (size_t i = 0; i < count; i++) {
		struct scope inner = { n->each_name, n->each_len, json_array_get(a, i), i, count, sc };
		if (render_element(r, n, &inner, slot) < 0)
			return -1;
	}
	return 0;
}

/* A page with a layout renders the layout, whose ax:content renders the
 * children of the page's root element. */
static int render_template(struct render *r, const struct tpl *p, const struct scope *sc, const struct slot *slot)
{
	if (++r->depth > MAX_NESTING)
		return render_fail(r, p->root.line, "templates nested more than %d deep (does an ax:include or "
				   "ax:layout lead back to '%s'?)", MAX_NESTING, p->name);
	r->cur = p;
	int rc;
	if (p->layout) {
		if (!p->layout_tpl)
			return render_fail(r, p->root.line, "ax:layout names unknown template '%s'", p->layout);
		struct slot page = { p, slot };
		rc = render_template(r, p->layout_tpl, sc, &page);
	} else {
		rc = render_node(r, &p->root, sc, slot);
	}
	r->depth--;
	return rc;
}

int template_render(const struct templates *t, const char *name, const json_t *model, struct strbuf *out,
		    char *err, size_t errlen)
{
	const struct tpl *p = t ? template_find(t, name) : NULL;
	if (!p) {
		snprintf(err, errlen, "no template named '%s'", name);
		return -1;
	}
	const char *csrf = json_string_value(json_object_get(model, "csrf"));
	struct render r = { model, csrf ? csrf : "", out, STRBUF_INIT, err, errlen, out->len, 0, 0, p };
	int rc = render_template(&r, p, NULL, NULL);
	sb_free(&r.tmp);
	if (rc < 0 && out->data) {
		out->len = r.start;
		out->data[r.start] = '\0';
	}
	return rc;
}
