/* markdown.to_html: CommonMark to HTML with cmark, the reference
 * implementation. Raw HTML and javascript: links are dropped unless the
 * config says the text is trusted. */
#include <stdlib.h>

#include <cmark.h>

#include "text/blocks.h"
#include "text/input.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	size_t len;
	const char *text = text_input(ctx, inputs, config, &len);
	if (!text)
		return AXON_FAIL;
	int options = CMARK_OPT_DEFAULT;
	if (json_is_true(json_object_get(config, "unsafe")))
		options |= CMARK_OPT_UNSAFE;
	if (json_is_true(json_object_get(config, "smart")))
		options |= CMARK_OPT_SMART;
	if (json_is_true(json_object_get(config, "hard_breaks")))
		options |= CMARK_OPT_HARDBREAKS;
	char *html = cmark_markdown_to_html(text, len, options);
	if (!html)
		return axon_fail(ctx, "out of memory converting %zu bytes of Markdown", len);
	json_t *s = json_string(html);
	free(html);
	if (!s)
		return axon_fail(ctx, "the HTML made from the Markdown is not valid UTF-8");
	return axon_emit(ctx, "html", s) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "Markdown text, or an object holding it at \"path\"" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "html", "the HTML" },
	{ NULL, NULL },
};

const struct axon_block markdown_to_html_block = {
	.name = "markdown.to_html",
	.version = "1.0.0",
	.title = "Markdown to HTML",
	.description = "Turns Markdown (CommonMark) into HTML for a mail or a page; raw HTML in the Markdown is dropped unless trusted.",
	.category = "text",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" TEXT_PATH ","
		"\"smart\": {\"type\": \"boolean\", \"title\": \"Typographic punctuation\", \"description\": \"Curly quotes, en and em dashes from -- and ---, ellipses from ...\", \"default\": false},"
		"\"hard_breaks\": {\"type\": \"boolean\", \"title\": \"Line breaks as written\", \"description\": \"Each line break in a paragraph becomes <br />, as in chat messages\", \"default\": false},"
		"\"unsafe\": {\"type\": \"boolean\", \"title\": \"Trust the Markdown\", \"description\": \"Keep raw HTML and javascript: links; only for text you wrote yourself\", \"default\": false}}}",
	.run = run,
};
