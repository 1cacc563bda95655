/* pdf.text: the text of a PDF, page by page (poppler), so that a chapter
 * can be summarised or turned into flashcards. The PDF comes as binary
 * data ({"base64", ...}: the body of http.request's response) or as base64
 * text. Parsing a document
 * from outside is what the sandbox is for: it happens here, confined, with
 * no file or network of its own. */
#include <string.h>

#include <poppler.h>

#include "json_path.h"
#include "pdf/blocks.h"
#include "shape.h"

/* GLib's messages would go to stderr, which a block may not write to. */
static void quiet(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
	(void)domain, (void)level, (void)message, (void)data;
}

/* poppler reads its data files (/usr/share/poppler) when it makes its first
 * document: that happens here, while the plugin loads and may read system
 * files, not in a block, which may open none. A one-page PDF read once does
 * it (its cross-reference table left out: poppler rebuilds it). */
__attribute__((constructor)) static void pdf_read_data_files(void)
{
	static const char tiny[] = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
		"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 9 9]/Resources<</Font<</F 4 0 R>>>>/Contents 5 0 R>>endobj "
		"4 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj 5 0 obj<</Length 20>>stream\nBT /F 9 Tf (x) Tj ET\n"
		"endstream endobj trailer<</Root 1 0 R>>";
	g_log_set_default_handler(quiet, NULL);
	/* poppler keeps its data while one document lives: this one lives as
	 * long as the worker. */
	static PopplerDocument *keeps_data;
	GBytes *bytes = g_bytes_new_static(tiny, sizeof tiny - 1);
	keeps_data = poppler_document_new_from_bytes(bytes, NULL, NULL);
	PopplerPage *page = keeps_data ? poppler_document_get_page(keeps_data, 0) : NULL;
	g_free(page ? poppler_page_get_text(page) : NULL);
	if (page)
		g_object_unref(page);
	g_bytes_unref(bytes);
}

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const char *path = json_string_value(json_object_get(config, "path"));
	const char *password = json_string_value(json_object_get(config, "password"));
	const json_t *in = json_object_get(inputs, "in");
	const json_t *b64 = json_is_string(in) ? in : in ? jpath_get(in, path) : NULL;
	if (json_is_object(b64))
		b64 = json_object_get(b64, "base64"); /* binary data */
	else if (json_is_string(b64) && b64 != in && !strcmp(path, "body"))
		return axon_fail(ctx, "the response's body came as text, so it is no PDF (a PDF comes as binary data): \"%.60s\"",
		                 json_string_value(b64));
	if (!json_is_string(b64))
		return shape_fail(ctx, "in", path, "the PDF as binary data (such as the body of http.request's response) or base64 text", b64);
	gsize len = 0;
	guchar *data = g_base64_decode(json_string_value(b64), &len);
	if (len < 5 || memcmp(data, "%PDF-", 5)) {
		g_free(data);
		return axon_fail(ctx, "in%s%s is not a PDF (it does not start with %%PDF- once decoded from base64)",
		                 json_is_string(in) || !*path ? "" : ".", json_is_string(in) ? "" : path);
	}
	GBytes *bytes = g_bytes_new_take(data, len);
	GError *e = NULL;
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, *password ? password : NULL, &e);
	g_bytes_unref(bytes);
	if (!doc) {
		int rc = axon_fail(ctx, "the PDF cannot be read: %s%s", e ? e->message : "poppler gave no reason",
		                   e && e->code == POPPLER_ERROR_ENCRYPTED ? " (it is encrypted: give its password)" : "");
		g_clear_error(&e);
		return rc;
	}
	int n = poppler_document_get_n_pages(doc);
	json_t *pages = json_array();
	GString *all = g_string_new(NULL);
	for (int i = 0; i < n; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);
		char *text = page ? poppler_page_get_text(page) : NULL;
		json_t *t = json_string(text ? text : "");
		json_array_append_new(pages, t ? t : json_string(""));
		g_string_append_printf(all, "%s%s", i ? "\n\n" : "", text ? text : "");
		g_free(text);
		if (page)
			g_object_unref(page);
		axon_progress(ctx, (double)(i + 1) / n, NULL);
	}
	char *title = poppler_document_get_title(doc);
	json_t *out = json_pack("{s:s%, s:o, s:i, s:s?}", "text", all->str, all->len, "pages", pages, "page_count", n, "title", title);
	g_free(title);
	g_string_free(all, TRUE);
	g_object_unref(doc);
	if (!out)
		return axon_fail(ctx, "the PDF's text is not valid UTF-8");
	return axon_emit(ctx, "text", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "the PDF as base64 text, or an object holding it as binary data (http.request's response)" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "text", "{\"text\", \"pages\": [one text per page], \"page_count\", \"title\"}" },
	{ NULL, NULL },
};

const struct axon_block pdf_text_block = {
	.name = "pdf.text",
	.version = "1.0.0",
	.title = "Text of a PDF",
	.description = "Reads the text of a PDF, page by page: give it http.request's response or base64 text.",
	.category = "document",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {"
		"\"path\": {\"type\": \"string\", \"title\": \"Where the PDF is\", \"description\": \"The path of the PDF in the input, binary data or base64 text: body for http.request's response; an input that is text is taken as it is\", \"default\": \"body\"},"
		"\"password\": {\"type\": \"string\", \"title\": \"Password\", \"description\": \"For an encrypted PDF; empty for none\", \"default\": \"\"}}}",
	.limits = { .wall_ms = 60000 },
	.run = run,
};
