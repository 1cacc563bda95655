/* html.extract: text, attributes or markup picked out of HTML by XPath, with
 * libxml2's HTML parser. libxml2 is initialised by the zygote before any
 * block runs, and told not to print errors (a write to stderr is a
 * violation): they are collected and reported through fail(). */
#include <stdio.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "shape.h"
#include "xml_errors.h"
#include "text/blocks.h"

static json_t *node_value(xmlNodePtr node, const char *mode, const char *attribute)
{
	xmlChar *s = NULL;
	if (!strcmp(mode, "html")) {
		xmlBufferPtr buf = xmlBufferCreate();
		if (buf && xmlNodeDump(buf, node->doc, node, 0, 0) >= 0)
			s = xmlStrdup(xmlBufferContent(buf));
		xmlBufferFree(buf);
	} else if (!strcmp(mode, "attribute")) {
		s = node->type == XML_ELEMENT_NODE ? xmlGetProp(node, (const xmlChar *)attribute) : NULL;
	} else {
		s = xmlNodeGetContent(node);
	}
	if (!s)
		return json_null();
	json_t *v = json_string((const char *)s);
	xmlFree(s);
	return v ? v : json_null();
}

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const char *html = shape_text(json_object_get(inputs, "html"));
	const char *xpath = json_string_value(json_object_get(config, "xpath"));
	const char *mode = json_string_value(json_object_get(config, "mode"));
	const char *attribute = json_string_value(json_object_get(config, "attribute"));
	int all = json_is_true(json_object_get(config, "all"));
	if (!html)
		return shape_fail(ctx, "html", "", "a string or an HTTP response with a \"body\" string", json_object_get(inputs, "html"));
	if (!strcmp(mode, "attribute") && !attribute)
		return axon_fail(ctx, "mode \"attribute\" needs \"attribute\" in the config (e.g. \"href\")");
	struct xml_errors errs;
	xml_errors_catch(&errs);
	htmlDocPtr doc = htmlReadMemory(html, (int)strlen(html), "input.html", "UTF-8",
	                                HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	if (!doc)
		return axon_fail(ctx, "the input is not HTML that can be parsed%s%s", errs.first[0] ? ": " : "", errs.first);
	xmlXPathContextPtr xc = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r = xc ? xmlXPathEvalExpression((const xmlChar *)xpath, xc) : NULL;
	int rc = AXON_FAIL;
	if (!r) {
		axon_fail(ctx, "the XPath expression '%s' is not valid%s%s", xpath, errs.first[0] ? ": " : "", errs.first);
	} else if (r->type != XPATH_NODESET) {
		/* count(), string(), boolean(): the value itself. */
		xmlChar *s = xmlXPathCastToString(r);
		rc = axon_emit(ctx, "out", json_string(s ? (const char *)s : "")) == 0 ? AXON_OK : AXON_FAIL;
		xmlFree(s);
	} else {
		int n = r->nodesetval ? r->nodesetval->nodeNr : 0;
		if (!all && n == 0) {
			axon_fail(ctx, "nothing in the HTML matches '%s'", xpath);
		} else if (!all) {
			rc = axon_emit(ctx, "out", node_value(r->nodesetval->nodeTab[0], mode, attribute)) == 0 ? AXON_OK : AXON_FAIL;
		} else {
			json_t *list = json_array();
			for (int i = 0; i < n; i++)
				json_array_append_new(list, node_value(r->nodesetval->nodeTab[i], mode, attribute));
			rc = axon_emit(ctx, "out", list) == 0 ? AXON_OK : AXON_FAIL;
		}
	}
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(xc);
	xmlFreeDoc(doc);
	return rc;
}

static const struct axon_port inputs[] = {
	{ "html", "the HTML: a string, or an http.request response" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "out", "the first match, or a list of every match when \"all\" is set" },
	{ NULL, NULL },
};

const struct axon_block html_extract_block = {
	.name = "html.extract",
	.version = "1.0.0",
	.title = "Extract from HTML",
	.description = "Picks text, an attribute or markup out of an HTML page with an XPath expression, e.g. //h1 or //a/@href.",
	.category = "text",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"xpath\": {\"type\": \"string\", \"title\": \"XPath\", \"description\": \"e.g. //h1, //a/@href, count(//li)\"},"
		"\"mode\": {\"type\": \"string\", \"title\": \"What to take\", \"description\": \"text: the text inside a match; attribute: the value of one of its attributes; html: its markup\", \"enum\": [\"text\", \"attribute\", \"html\"], \"default\": \"text\"},"
		"\"attribute\": {\"type\": \"string\", \"title\": \"Attribute\", \"description\": \"The attribute to take in mode attribute, such as href or src\"},"
		"\"all\": {\"type\": \"boolean\", \"title\": \"Every match\", \"description\": \"A list of every match instead of the first (no match is then an empty list, not an error)\", \"default\": false}},"
		"\"required\": [\"xpath\"]}",
	.run = run,
};
