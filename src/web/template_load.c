/* Loading templates: each XHTML file is parsed once with libxml2 and
 * compiled into a tree of struct node (template_tree.h): tag, pre-escaped
 * static text and attributes, directives with their paths already split.
 * The libxml2 document is freed right after. The syntax is in docs/templates.md. */
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

static const char *const void_elements[] = {
	"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
};
static const char *const url_attributes[] = { "href", "src", "action", "formaction", "poster", "cite", "data" };

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

/* ---- freeing ---- */

static void path_free(struct path *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->seg[i].name);
	free(p->seg);
}

static void dyn_free(struct dyn_attr *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].name);
		path_free(&a[i].path);
	}
	free(a);
}

static void node_free(struct node *n)
{
	free(n->tag);
	free(n->text);
	free(n->close);
	free(n->static_class);
	path_free(&n->text_path);
	path_free(&n->if_path);
	path_free(&n->unless_path);
	path_free(&n->each_path);
	path_free(&n->class_path);
	free(n->each_name);
	dyn_free(n->attrs, n->nattrs);
	dyn_free(n->classes, n->nclasses);
	free(n->include);
	for (size_t i = 0; i < n->nchildren; i++)
		node_free(&n->children[i]);
	free(n->children);
}

static void tpl_free(struct tpl *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->file);
	node_free(&t->root);
	free(t->layout);
	free(t->refs);
	free(t);
}

void templates_free(struct templates *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		tpl_free(t->v[i]);
	free(t->v);
	free(t);
}

/* ---- compiling a parsed document ---- */

struct compile {
	struct tpl *tpl;
	char *err;
	size_t errlen;
	unsigned content_line; /* of the first ax:content, 0 if none yet */
};

int template_vfail(char *err, size_t errlen, const char *file, unsigned line, const char *fmt, va_list ap)
{
	int n = snprintf(err, errlen, "%s:%u: ", file, line);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	return -1;
}

static int fail(struct compile *c, unsigned line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct compile *c, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	template_vfail(c->err, c->errlen, c->tpl->file, line, fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-';
}

static bool valid_path(const char *s)
{
	if (!*s || *s == '.')
		return false;
	for (; *s; s++)
		if (*s == '.' ? (s[1] == '.' || !s[1]) : !is_name_char(*s))
			return false;
	return true;
}

static int parse_path(struct compile *c, unsigned line, const char *directive, const char *s, struct path *p)
{
	if (!valid_path(s))
		return fail(c, line, "ax:%s: '%s' is not a path (write dotted names such as user.name or items.0.name)",
			    directive, s);
	size_t n = 1;
	for (const char *q = s; *q; q++)
		n += *q == '.';
	p->seg = xcalloc(n, sizeof *p->seg);
	p->n = n;
	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(s, ".");
		struct seg *g = &p->seg[i];
		g->name = xstrndup(s, len);
		g->len = len;
		g->index = -1;
		if (strspn(g->name, "0123456789") == len && len < 10)
			g->index = strtol(g->name, NULL, 10);
		s += len + 1;
	}
	return 0;
}

/* Appends ` name="value"` to sb, escaped. */
static void add_attr(struct strbuf *sb, const char *name, const char *value)
{
	sb_addc(sb, ' ');
	sb_adds(sb, name);
	sb_adds(sb, "=\"");
	sb_add_html(sb, value, strlen(value));
	sb_addc(sb, '"');
}

static char *attr_value(const xmlAttr *a)
{
	xmlChar *v = xmlNodeListGetString(a->doc, a->children, 1);
	char *s = xstrdup(v ? (const char *)v : "");
	xmlFree(v);
	return s;
}

static bool is_ax(const xmlNs *ns)
{
	return ns && ns->href && !strcmp((const char *)ns->href, AX_NS);
}

static void add_dyn(struct dyn_attr **v, size_t *n, const char *name, struct path path)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	bool url = in_list(name, url_attributes, sizeof url_attributes / sizeof url_attributes[0]);
	(*v)[(*n)++] = (struct dyn_attr){ xstrdup(name), path, url };
}

static int compile_directive(struct compile *c, struct node *n, const xmlNode *x, const char *name, const char *v)
{
	unsigned line = n->line;
	struct path p = { NULL, 0 };
	if (!strcmp(name, "text"))
		return parse_path(c, line, name, v, &n->text_path);
	if (!strcmp(name, "if"))
		return parse_path(c, line, name, v, &n->if_path);
	if (!strcmp(name, "unless"))
		return parse_path(c, line, name, v, &n->unless_path);
	if (!strcmp(name, "each")) {
		size_t nlen = strcspn(v, " \t\n");
		const char *rest = v + nlen + strspn(v + nlen, " \t\n");
		bool ok = nlen > 0 && *rest && !strpbrk(rest, " \t\n");
		for (size_t i = 0; ok && i < nlen; i++)
			ok = is_name_char(v[i]) && v[i] != '-';
		if (!ok)
			return fail(c, line, "ax:each: '%s' should be a name and a path, as in "
				    "ax:each=\"wf workflows\"", v);
		n->each_name = xstrndup(v, nlen);
		n->each_len = nlen;
		return parse_path(c, line, name, rest, &n->each_path);
	}
	if (!strncmp(name, "attr-", 5) || !strncmp(name, "class-", 6)) {
		bool is_attr = name[0] == 'a';
		const char *target = name + (is_attr ? 5 : 6);
		if (!*target)
			return fail(c, line, "ax:%s needs a name after the dash, as in ax:attr-href or "
				    "ax:class-active", name);
		if (is_attr && !strncasecmp(target, "on", 2))
			return fail(c, line, "ax:%s: event handler attributes cannot be set from the model", name);
		if (is_attr && !strcasecmp(target, "style"))
			return fail(c, line, "ax:%s: the style attribute cannot be set from the model "
				    "(use ax:class-NAME)", name);
		if (parse_path(c, line, name, v, &p) < 0)
			return -1;
		if (is_attr && !strcmp(target, "class"))
			n->class_path = p;
		else if (is_attr)
			add_dyn(&n->attrs, &n->nattrs, target, p);
		else
			add_dyn(&n->classes, &n->nclasses, target, p);
		return 0;
	}
	if (!strcmp(name, "layout")) {
		if (x->parent->type != XML_DOCUMENT_NODE)
			return fail(c, line, "ax:layout belongs on the root element of a page");
		if (!*v)
			return fail(c, line, "ax:layout needs the name of a template");
		c->tpl->layout = xstrdup(v);
		return 0;
	}
	if (!strcmp(name, "include")) {
		if (!*v)
			return fail(c, line, "ax:include needs the name of a template");
		n->include = xstrdup(v);
		return 0;
	}
	if (!strcmp(name, "content") || !strcmp(name, "omit-tag")) {
		if (*v)
			return fail(c, line, "ax:%s takes no value (write ax:%s=\"\")", name, name);
		if (name[0] == 'o') {
			n->flags |= NF_OMIT_TAG;
			return 0;
		}
		if (c->content_line)
			return fail(c, line, "a second ax:content (the first is on line %u)", c->content_line);
		c->content_line = line;
		n->flags |= NF_CONTENT;
		return 0;
	}
	return fail(c, line, "unknown directive ax:%s (see docs/templates.md)", name);
}

/* Whether a static attribute is replaced by an ax:attr- of the same name. */
static bool has_dyn(const struct node *n, const char *name)
{
	for (size_t i = 0; i < n->nattrs; i++)
		if (!strcmp(n->attrs[i].name, name))
			return true;
	return !strcmp(name, "class") && n->class_path.n;
}

/* Pre-renders `<tag a="v"` and `</tag>`; the class is kept apart, to be
 * merged with ax:class-NAME. */
static int compile_static_attrs(struct compile *c, const xmlNode *x, struct node *n)
{
	const char *tag = n->tag;
	struct strbuf attrs = STRBUF_INIT;
	sb_printf(&attrs, "<%s", tag);
	for (const xmlAttr *a = x->properties; a; a = a->next) {
		if (is_ax(a->ns))
			continue;
		const char *prefix = a->ns && a->ns->prefix ? (const char *)a->ns->prefix : NULL;
		if (prefix && !strcmp(prefix, "ax")) {
			sb_free(&attrs);
			return fail(c, n->line, "the prefix ax: is bound to '%s', not to " AX_NS, a->ns->href);
		}
		struct strbuf qname = STRBUF_INIT; /* xlink:href, xml:lang */
		if (prefix)
			sb_printf(&qname, "%s:", prefix);
		sb_adds(&qname, (const char *)a->name);
		char *name = sb_detach(&qname);
		if (!strcmp(name, "class"))
			n->class_at = attrs.len;
		if (has_dyn(n, name)) {
			free(name);
			continue;
		}
		char *v = attr_value(a);
		if (!strcmp(name, "class")) {
			struct strbuf cls = STRBUF_INIT;
			sb_add_html(&cls, v, strlen(v));
			n->static_class = sb_detach(&cls);
		} else {
			if (!strcmp(name, "method") && !strcmp(tag, "form") && !strcasecmp(v, "post"))
				n->flags |= NF_FORM_POST;
			add_attr(&attrs, name, v);
		}
		free(v);
		free(name);
	}
	n->len = attrs.len;
	if (!n->class_at)
		n->class_at = n->len;
	n->text = sb_detach(&attrs);
	struct strbuf close = STRBUF_INIT;
	sb_printf(&close, "</%s>", tag);
	n->close_len = close.len;
	n->close = sb_detach(&close);
	return 0;
}

/* Whether an element with ax:include has nothing that the included template would lose. */
static bool is_placeholder(const xmlNode *x)
{
	if (x->children)
		return false;
	for (const xmlAttr *a = x->properties; a; a = a->next) {
		const char *d = (const char *)a->name;
		if (!is_ax(a->ns) ||
		    (strcmp(d, "include") && strcmp(d, "if") && strcmp(d, "unless") && strcmp(d, "each")))
			return false;
	}
	return true;
}

static int compile_children(struct compile *c, const xmlNode *x, struct node *n, bool raw_text);

static int compile_element(struct compile *c, const xmlNode *x, struct node *n)
{
	const char *tag = (const char *)x->name;
	n->line = (unsigned)xmlGetLineNo(x);
	if (is_ax(x->ns))
		return fail(c, n->line, "<ax:%s>: the ax: namespace has no elements (use ax:omit-tag=\"\" on an "
			    "HTML element)", tag);
	n->tag = xstrdup(tag);
	if (in_list(tag, void_elements, sizeof void_elements / sizeof void_elements[0]))
		n->flags |= NF_VOID;
	if (!strcmp(tag, "html"))
		n->flags |= NF_HTML;
	for (const xmlAttr *a = x->properties; a; a = a->next) {
		if (!is_ax(a->ns))
			continue;
		char *v = attr_value(a);
		int rc = compile_directive(c, n, x, (const char *)a->name, v);
		free(v);
		if (rc < 0)
			return -1;
	}

	if (n->include) {
		if (!is_placeholder(x))
			return fail(c, n->line, "an element with ax:include is replaced by that template: it must be "
					   "empty and carry nothing but ax:if, ax:unless and ax:each");
		return 0;
	}
	if (compile_static_attrs(c, x, n) < 0)
		return -1;

	bool raw = !strcmp(tag, "script") || !strcmp(tag, "style");
	if (raw && n->text_path.n)
		return fail(c, n->line, "ax:text on <%s>: model data cannot go into a script or style", tag);
	if ((n->flags & NF_VOID) && (n->text_path.n || (n->flags & NF_CONTENT) || x->children))
		return fail(c, n->line, "<%s> is a void element: it cannot have content", tag);
	if (n->text_path.n && (n->flags & NF_CONTENT))
		return fail(c, n->line, "ax:text and ax:content on one element: choose one");
	return compile_children(c, x, n, raw);
}

static int compile_children(struct compile *c, const xmlNode *x, struct node *n, bool raw_text)
{
	size_t cap = 0;
	for (const xmlNode *k = x->children; k; k = k->next) {
		struct node child = { 0 };
		switch (k->type) {
		case XML_ELEMENT_NODE:
			if (compile_element(c, k, &child) < 0) {
				node_free(&child);
				return -1;
			}
			break;
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE: {
			const char *s = (const char *)k->content;
			if (raw_text && s[strspn(s, " \t\r\n")])
				return fail(c, (unsigned)xmlGetLineNo(k), "inline script or style is not allowed (the "
					    "Content-Security-Policy forbids it): use src= or <link>");
			struct strbuf t = STRBUF_INIT;
			sb_add_html(&t, s, strlen(s));
			child.len = t.len;
			child.text = sb_detach(&t);
			break;
		}
		case XML_ENTITY_REF_NODE:
			return fail(c, (unsigned)xmlGetLineNo(k), "entity &%s; is not defined "
				    "(write the character itself)", k->name);
		default: /* comments and processing instructions are not emitted */
			continue;
		}
		if (n->nchildren == cap) {
			cap = cap ? 2 * cap : 4;
			n->children = xrealloc(n->children, cap * sizeof *n->children);
		}
		n->children[n->nchildren++] = child;
	}
	return 0;
}

/* Lists the nodes with ax:include, once the tree has stopped moving. */
static void collect_refs(struct tpl *t, struct node *n)
{
	if (n->include) {
		t->refs = xrealloc(t->refs, (t->nrefs + 1) * sizeof *t->refs);
		t->refs[t->nrefs++] = n;
	}
	for (size_t i = 0; i < n->nchildren; i++)
		collect_refs(t, &n->children[i]);
}

/* ---- parsing ---- */

/* Set while a document is parsed, so the SAX hooks can refuse a DTD. */
struct parse_guard {
	char reason[160];
	int line;
};

static void refuse_dtd(xmlParserCtxtPtr ctxt, const char *reason)
{
	struct parse_guard *g = ctxt->_private;
	if (!g->reason[0]) {
		snprintf(g->reason, sizeof g->reason, "%s", reason);
		g->line = ctxt->input ? ctxt->input->line : 0;
	}
	xmlStopParser(ctxt);
}

/* Keeps the first error: later ones are often its echo ("premature end"). */
static void on_error(void *ctx, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_guard *g = ctxt->_private;
	if (!g->reason[0] && e->level >= XML_ERR_ERROR && e->message) {
		snprintf(g->reason, sizeof g->reason, "%.*s", (int)strcspn(e->message, "\n"), e->message);
		g->line = e->line;
	}
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id, const xmlChar *system_id)
{
	if (external_id || system_id)
		refuse_dtd(ctx, "a DOCTYPE with an external DTD is refused (write <!DOCTYPE html> or none)");
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
			   const xmlChar *system_id, xmlChar *content)
{
	refuse_dtd(ctx, "a DOCTYPE with an internal subset (entities, declarations) is refused");
}

static void on_attribute_decl(void *ctx, const xmlChar *elem, const xmlChar *fullname, int type, int def,
			      const xmlChar *default_value, xmlEnumerationPtr tree)
{
	xmlFreeEnumeration(tree);
	refuse_dtd(ctx, "a DOCTYPE with an internal subset (entities, declarations) is refused");
}

static void on_element_decl(void *ctx, const xmlChar *name, int type, xmlElementContentPtr content)
{
	refuse_dtd(ctx, "a DOCTYPE with an internal subset (entities, declarations) is refused");
}

static bool valid_name(const char *name)
{
	if (!*name || *name == '/' || strstr(name, "//") || name[strlen(name) - 1] == '/')
		return false;
	for (const char *p = name; *p; p++)
		if (!is_name_char(*p) && *p != '/' && *p != '.')
			return false;
	return !strstr(name, "..");
}

/* Parses and compiles one document; file names it in messages. */
static struct tpl *tpl_parse(const char *name, const char *file, const char *xml, size_t len, char *err,
			     size_t errlen)
{
	if (!valid_name(name)) {
		snprintf(err, errlen, "%s: '%s' is not a template name (letters, digits, _ - . and /)", file, name);
		return NULL;
	}
	if (len > INT_MAX) {
		snprintf(err, errlen, "%s: too large", file);
		return NULL;
	}
	xmlInitParser(); /* once; loading happens before the request threads start */
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		snprintf(err, errlen, "%s: cannot create an XML parser", file);
		return NULL;
	}
	struct parse_guard guard = { "", 0 };
	ctxt->_private = &guard;
	ctxt->sax->internalSubset = on_doctype;
	ctxt->sax->entityDecl = on_entity_decl;
	ctxt->sax->attributeDecl = on_attribute_decl;
	ctxt->sax->elementDecl = on_element_decl;
	ctxt->sax->serror = on_error;
	/* No NOENT (entities stay unexpanded), no DTD loading, no network, quiet. */
	xmlDocPtr doc = xmlCtxtReadMemory(ctxt, xml, (int)len, file, "UTF-8",
					  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (guard.reason[0] || !doc) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		if (guard.reason[0])
			snprintf(err, errlen, "%s:%d: %s", file, guard.line, guard.reason);
		else if (e && e->message)
			snprintf(err, errlen, "%s:%d: %.*s", file, e->line, (int)strcspn(e->message, "\n"), e->message);
		else
			snprintf(err, errlen, "%s: not well-formed XML", file);
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctxt);
		return NULL;
	}
	xmlFreeParserCtxt(ctxt);

	struct tpl *t = xcalloc(1, sizeof *t);
	t->name = xstrdup(name);
	t->file = xstrdup(file);
	struct compile c = { t, err, errlen, 0 };
	const xmlNode *root = xmlDocGetRootElement(doc);
	int rc = root ? compile_element(&c, root, &t->root) : fail(&c, 1, "no root element");
	xmlFreeDoc(doc);
	if (rc < 0) {
		tpl_free(t);
		return NULL;
	}
	collect_refs(t, &t->root);
	return t;
}

/* ---- the set ---- */

const struct tpl *template_find(const struct templates *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i]->name, name))
			return t->v[i];
	return NULL;
}

int templates_has(const struct templates *t, const char *name)
{
	return t && template_find(t, name) != NULL;
}

/* Resolves every ax:include and ax:layout to its template. With strict, a
 * name that is not in the set is an error; otherwise it is reported at render. */
static int link_all(struct templates *t, bool strict, char *err, size_t errlen)
{
	for (size_t i = 0; i < t->n; i++) {
		struct tpl *p = t->v[i];
		if (p->layout && !(p->layout_tpl = template_find(t, p->layout)) && strict) {
			snprintf(err, errlen, "%s:%u: ax:layout names unknown template '%s'", p->file, p->root.line,
				 p->layout);
			return -1;
		}
		for (size_t j = 0; j < p->nrefs; j++) {
			struct node *n = p->refs[j];
			if (!(n->include_tpl = template_find(t, n->include)) && strict) {
				snprintf(err, errlen, "%s:%u: ax:include names unknown template '%s'", p->file, n->line,
					 n->include);
				return -1;
			}
		}
	}
	return 0;
}

static int add_tpl(struct templates *t, struct tpl *p, char *err, size_t errlen)
{
	if (template_find(t, p->name)) {
		snprintf(err, errlen, "%s: a template named '%s' is already loaded", p->file, p->name);
		tpl_free(p);
		return -1;
	}
	t->v = xrealloc(t->v, (t->n + 1) * sizeof *t->v);
	t->v[t->n++] = p;
	return 0;
}

int templates_add_string(struct templates *t, const char *name, const char *xml, size_t len, char *err, size_t errlen)
{
	struct tpl *p = tpl_parse(name, name, xml, len, err, errlen);
	if (!p || add_tpl(t, p, err, errlen) < 0)
		return -1;
	return link_all(t, false, err, errlen);
}

struct templates *templates_load_string(const char *name, const char *xml, size_t len, char *err, size_t errlen)
{
	struct templates *t = xcalloc(1, sizeof *t);
	if (templates_add_string(t, name, xml, len, err, errlen) < 0) {
		templates_free(t);
		return NULL;
	}
	return t;
}

static int read_file(const char *path, struct strbuf *sb, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(sb, buf, n);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		snprintf(err, errlen, "%s: cannot read", path);
		return -1;
	}
	return 0;
}

/* Loads every *.html below dir/prefix; prefix is "" or ends with '/'. */
static int load_dir(struct templates *t, const char *dir, const char *prefix, int depth, char *err, size_t errlen)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, prefix);
	DIR *d = opendir(path);
	if (!d) {
		snprintf(err, errlen, "%s: cannot open the template directory: %s", path, strerror(errno));
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char rel[1024], file[4096];
		int n = snprintf(rel, sizeof rel, "%s%s", prefix, e->d_name);
		snprintf(file, sizeof file, "%s/%s", dir, rel);
		struct stat st;
		if (n < 0 || (size_t)n >= sizeof rel - 1) {
			snprintf(err, errlen, "%s%.40s...: path too long", prefix, e->d_name);
			rc = -1;
		} else if (stat(file, &st) < 0) {
			snprintf(err, errlen, "%s: cannot stat: %s", file, strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode) && depth >= 8) {
			snprintf(err, errlen, "%s: directories nested more than 8 deep (a symlink loop?)", file);
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			strcat(rel, "/");
			rc = load_dir(t, dir, rel, depth + 1, err, errlen);
		} else if (S_ISREG(st.st_mode) && n > 5 && !strcmp(rel + n - 5, ".html")) {
			struct strbuf sb = STRBUF_INIT;
			rc = read_file(file, &sb, err, errlen);
			rel[n - 5] = '\0';
			struct tpl *p = rc < 0 ? NULL : tpl_parse(rel, file, sb_str(&sb), sb.len, err, errlen);
			sb_free(&sb);
			rc = p ? add_tpl(t, p, err, errlen) : -1;
		}
	}
	closedir(d);
	return rc;
}

struct templates *templates_load(const char *dir, char *err, size_t errlen)
{
	struct templates *t = xcalloc(1, sizeof *t);
	if (load_dir(t, dir, "", 0, err, errlen) < 0 || link_all(t, true, err, errlen) < 0) {
		templates_free(t);
		return NULL;
	}
	return t;
}
