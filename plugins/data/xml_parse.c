/* xml.parse: XML text into JSON with libxml2, by the usual convention: an
 * element is an object, its attributes "@name", its text "#text" (or the
 * element is just its text when it has nothing else), and a name that
 * repeats among siblings becomes a list. No DTD is loaded and no entity
 * is fetched (XML_PARSE_NONET; external entities are not substituted). */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "data/blocks.h"
#include "json_path.h"
#include "shape.h"
#include "xml_errors.h"

/* prefix:name, as written. */
static void qualified(const xmlNode *n, const xmlNs *ns, char *buf, size_t len)
{
	if (ns && ns->prefix)
		snprintf(buf, len, "%s:%s", (const char *)ns->prefix, (const char *)n->name);
	else
		snprintf(buf, len, "%s", (const char *)n->name);
}

static int blank(const xmlChar *s)
{
	return !s || !s[strspn((const char *)s, " \t\r\n")];
}

/* Adds value under name to obj, making a list when the name is there already
 * (or always, with always_list). Values of elements are never lists
 * themselves, so a list there is one made here. */
static void add_member(json_t *obj, const char *name, json_t *value, int always_list)
{
	json_t *have = json_object_get(obj, name);
	if (json_is_array(have))
		json_array_append_new(have, value);
	else if (have)
		json_object_set_new(obj, name, json_pack("[O, o]", have, value));
	else
		json_object_set_new(obj, name, always_list ? json_pack("[o]", value) : value);
}

static json_t *element(const xmlNode *e, int always_list, const char *text_key)
{
	json_t *obj = json_object();
	char name[300];
	for (const xmlAttr *a = e->properties; a; a = a->next) {
		xmlChar *v = xmlNodeGetContent((const xmlNode *)a);
		char key[310];
		qualified((const xmlNode *)a, a->ns, name, sizeof name);
		snprintf(key, sizeof key, "@%s", name);
		json_object_set_new(obj, key, json_string(v ? (const char *)v : ""));
		xmlFree(v);
	}
	json_t *text = NULL;
	for (const xmlNode *c = e->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			qualified(c, c->ns, name, sizeof name);
			add_member(obj, name, element(c, always_list, text_key), always_list);
		} else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && !blank(c->content)) {
			json_t *more = json_string((const char *)c->content);
			if (text && more) {
				json_t *joined = json_pack("s++", json_string_value(text), "", json_string_value(more));
				json_decref(text);
				json_decref(more);
				text = joined;
			} else if (more) {
				text = more;
			}
		}
	}
	if (json_object_size(obj) == 0) {
		json_decref(obj);
		return text ? text : json_string("");
	}
	if (text)
		json_object_set_new(obj, text_key, text);
	return obj;
}

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const char *path = json_string_value(json_object_get(config, "path"));
	const json_t *in = json_object_get(inputs, "in");
	const json_t *at = in ? jpath_get(in, path) : NULL;
	const char *xml = shape_text(at);
	int always_list = json_is_true(json_object_get(config, "always_list"));
	if (!xml)
		return shape_fail(ctx, "in", path, "XML text (or an HTTP response with a \"body\")", at);
	size_t len = strlen(xml);
	if (len > 0x7fffffff)
		return axon_fail(ctx, "the XML is too large (%zu bytes)", len);
	struct xml_errors errs;
	xml_errors_catch(&errs);
	xmlDocPtr doc = xmlReadMemory(xml, (int)len, "input.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOCDATA);
	if (!doc)
		return axon_fail(ctx, "in%s%s is not well-formed XML%s%s", *path ? "." : "", path, errs.first[0] ? ": " : "",
				 errs.first);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	json_t *out = json_object();
	if (root) {
		char name[300];
		qualified(root, root->ns, name, sizeof name);
		json_object_set_new(out, name, element(root, always_list, "#text"));
	}
	xmlFreeDoc(doc);
	return axon_emit(ctx, "out", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "XML text, an object holding it at \"path\", or an HTTP response" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "out", "{\"root\": ...}: elements as objects, attributes as \"@name\", text as \"#text\", repeated names as lists" },
	{ NULL, NULL },
};

const struct axon_block xml_parse_block = {
	.name = "xml.parse",
	.version = "1.0.0",
	.title = "Read XML",
	.description = "Turns XML (a feed, a SOAP answer, a sitemap) into JSON: elements become objects, attributes \"@name\", text \"#text\", repeated elements lists.",
	.category = "data",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"path\": {\"type\": \"string\", \"title\": \"Text\", \"description\": \"Dotted path of the XML in the input; empty when the input is the text (or an HTTP response, whose body is read)\", \"default\": \"\"},"
		"\"always_list\": {\"type\": \"boolean\", \"title\": \"Always lists\", \"description\": \"Make every child element a list, even when its name appears once, so that the shape does not change with the count\", \"default\": false}}}",
	.run = run,
};
