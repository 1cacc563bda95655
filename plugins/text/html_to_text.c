/* html.to_text: the readable text of a page, for a summary or an LLM, with
 * libxml2's HTML parser: scripts, styles and the head left out, white space
 * folded as a browser folds it, a line break after each block, "- " before
 * list items, links as "text (url)" if asked. */
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "shape.h"
#include "text/blocks.h"
#include "xml_errors.h"

struct out {
	char *p;
	size_t len, cap;
	int failed;
	int pending_space; /* white space seen since the last character */
	int pre;           /* inside <pre>: white space kept */
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->failed || n == 0)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = (o->len + n + 1) * 2;
		char *p = xmlRealloc(o->p, cap);
		if (!p) {
			o->failed = 1;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

/* Ends the current line (once: blank lines are not piled up). */
static void line_break(struct out *o, int blank_line)
{
	o->pending_space = 0;
	while (o->len && o->p[o->len - 1] == ' ')
		o->len--;
	if (o->len == 0)
		return;
	size_t have = 0;
	while (have < o->len && have < 2 && o->p[o->len - 1 - have] == '\n')
		have++;
	for (size_t want = blank_line ? 2 : 1; have < want; have++)
		put(o, "\n", 1);
}

static void text(struct out *o, const char *s)
{
	if (o->pre) {
		put(o, s, strlen(s));
		return;
	}
	for (; *s; s++) {
		if (strchr(" \t\r\n\f", *s)) {
			o->pending_space = 1;
			continue;
		}
		if (o->pending_space && o->len && o->p[o->len - 1] != '\n' && o->p[o->len - 1] != ' ')
			put(o, " ", 1);
		o->pending_space = 0;
		put(o, s, 1);
	}
}

static int one_of(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcasecmp(name, *list))
			return 1;
	return 0;
}

static const char *const skipped[] = { "script", "style", "noscript", "template", "head", "svg", "iframe", "object", NULL };
static const char *const paragraphs[] = { "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "table",
					  "section", "article", "header", "footer", "aside", "nav", "figure", "form", "dl", "hr", NULL };
static const char *const lines[] = { "div", "li", "tr", "dt", "dd", "br", "main", "address", "figcaption", "caption",
				     "option", "title", NULL };

static void walk(struct out *o, xmlNodePtr n, int links, int depth)
{
	for (; n && depth < 256; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			text(o, (const char *)n->content);
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)n->name;
		if (one_of(name, skipped))
			continue;
		int para = one_of(name, paragraphs), line = one_of(name, lines);
		if (para || line)
			line_break(o, para);
		if (!strcasecmp(name, "li"))
			put(o, "- ", 2);
		if (!strcasecmp(name, "td") || !strcasecmp(name, "th"))
			o->pending_space = 1;
		int pre = !strcasecmp(name, "pre");
		o->pre += pre;
		walk(o, n->children, links, depth + 1);
		o->pre -= pre;
		if (links && !strcasecmp(name, "a")) {
			xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
			if (href && *href && strncasecmp((const char *)href, "javascript:", 11) && href[0] != '#') {
				put(o, " (", 2);
				put(o, (const char *)href, strlen((const char *)href));
				put(o, ")", 1);
			}
			xmlFree(href);
		}
		if (para || line)
			line_break(o, para);
	}
}

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const json_t *in = json_object_get(inputs, "html");
	const char *html = shape_text(in);
	if (!html)
		return shape_fail(ctx, "html", "", "a string or an HTTP response with a \"body\" string", in);
	size_t len = strlen(html);
	if (len > 0x7fffffff)
		return axon_fail(ctx, "the HTML is too large (%zu bytes)", len);
	struct xml_errors errs;
	xml_errors_catch(&errs);
	htmlDocPtr doc = htmlReadMemory(html, (int)len, "input.html", "UTF-8",
					HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	struct out o = { 0 };
	if (doc) {
		xmlNodePtr root = xmlDocGetRootElement(doc);
		if (json_is_true(json_object_get(config, "title"))) {
			/* the <title> is in the head, which is otherwise left out */
			for (xmlNodePtr h = root ? root->children : NULL; h; h = h->next)
				if (h->type == XML_ELEMENT_NODE && !strcasecmp((const char *)h->name, "head"))
					for (xmlNodePtr t = h->children; t; t = t->next)
						if (t->type == XML_ELEMENT_NODE && !strcasecmp((const char *)t->name, "title"))
							walk(&o, t->children, 0, 0), line_break(&o, 1);
		}
		walk(&o, root, json_is_true(json_object_get(config, "links")), 0);
		xmlFreeDoc(doc);
	}
	line_break(&o, 0);
	while (o.len && o.p[o.len - 1] == '\n')
		o.len--;
	json_t *s = o.failed ? NULL : json_stringn(o.p ? o.p : "", o.len);
	xmlFree(o.p);
	if (!s)
		return axon_fail(ctx, o.failed ? "out of memory writing the text" : "the page's text is not valid UTF-8");
	return axon_emit(ctx, "text", s) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "html", "the HTML: a string, or an http.request response" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "text", "the page's readable text, one paragraph per blank-line-separated block" },
	{ NULL, NULL },
};

const struct axon_block html_to_text_block = {
	.name = "html.to_text",
	.version = "1.0.0",
	.title = "Text of a web page",
	.description = "Turns HTML into readable plain text, to summarise or search a page: no scripts, styles or markup, paragraphs and list items on their own lines.",
	.category = "text",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"links\": {\"type\": \"boolean\", \"title\": \"Show links\", \"description\": \"Write the address of each link after its text, as text (https://...)\", \"default\": false},"
		"\"title\": {\"type\": \"boolean\", \"title\": \"Start with the title\", \"description\": \"Put the page's <title> first, as its own paragraph\", \"default\": false}}}",
	.run = run,
};
