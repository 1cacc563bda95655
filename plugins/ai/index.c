/* ai.index: a document added to a knowledge base (made with its first
 * document): its text cut into chunks with overlap and embedded, by the
 * daemon, to be found again by ai.search and ai.answer. */
#include "ai/blocks.h"
#include "ai/provider.h"
#include "json_path.h"
#include "shape.h"
#include "template_fill.h"

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	const char *path = json_string_value(json_object_get(config, "path"));
	const json_t *in = json_object_get(inputs, "in");
	const json_t *text = json_is_string(in) ? in : in ? jpath_get(in, path) : NULL;
	json_t *document, *source;
	if (!json_is_string(text))
		return shape_fail(ctx, "in", path, "the document's text", text);
	if (template_fill(ctx, json_string_value(json_object_get(config, "document")), inputs, 0, &document) != AXON_OK)
		return AXON_FAIL;
	if (template_fill(ctx, json_string_value(json_object_get(config, "source")), inputs, 1, &source) != AXON_OK) {
		json_decref(document);
		return AXON_FAIL;
	}
	json_t *answer = ai_knowledge(ctx, config, "add", json_string_value(json_object_get(config, "model")),
	                              json_pack("{s:o, s:o, s:O, s:O, s:O}", "document", document, "source", source, "text", text,
	                                        "chunk_size", json_object_get(config, "chunk_size"), "overlap", json_object_get(config, "overlap")));
	if (!answer)
		return AXON_FAIL;
	json_t *out = json_pack("{s:O, s:O, s:O, s:O}", "kb", json_object_get(config, "kb"), "document_id",
	                        json_object_get(answer, "document_id"), "chunks", json_object_get(answer, "chunks"), "usage",
	                        json_object_get(answer, "usage"));
	json_decref(answer);
	return axon_emit(ctx, "added", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "the document's text, or an object holding it at \"path\" (pdf.text's output, say)" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "added", "{\"kb\", \"document_id\", \"chunks\", \"usage\"}" },
	{ NULL, NULL },
};

const struct axon_block ai_index_block = {
	.name = "ai.index",
	.version = "1.0.0",
	.title = "Add to a knowledge base",
	.description = "Adds a document to a knowledge base: its text is cut into overlapping chunks and embedded, to be found by meaning with ai.search and ai.answer.",
	.category = "ai",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" AI_PROVIDER_PROPERTIES AI_KB_PROPERTIES
		"\"path\": {\"type\": \"string\", \"title\": \"Text\", \"description\": \"Dotted path of the text in the input (text for pdf.text's output); an input that is text is taken as it is\", \"default\": \"text\"},"
		"\"document\": {\"type\": \"string\", \"format\": \"template\", \"title\": \"Document name\", \"description\": \"How citations name it, such as Chapter 3 or {{ in.title }}\"},"
		"\"source\": {\"type\": \"string\", \"format\": \"template\", \"title\": \"Source\", \"description\": \"Where it came from, such as its address; empty for none\", \"default\": \"\"},"
		"\"chunk_size\": {\"type\": \"integer\", \"title\": \"Chunk size\", \"description\": \"Bytes of text per chunk, 100 to 20000: about a paragraph is usual\", \"default\": 1000},"
		"\"overlap\": {\"type\": \"integer\", \"title\": \"Overlap\", \"description\": \"Bytes each chunk repeats of the one before, so that a sentence cut in two is whole in one of them; at most half the chunk size\", \"default\": 150}},"
		"\"required\": [\"model\", \"kb\", \"document\"]}",
	.limits = { .wall_ms = 300000 },
	.run = run,
};
