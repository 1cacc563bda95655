/* ai.answer: a question answered from a knowledge base (retrieval-augmented
 * generation in one block): the closest chunks are found (as ai.search),
 * numbered, and given to the model with the question; it answers from them
 * only and cites them as [1], [2]... The output names the sources it cited. */
#include <stdio.h>
#include <string.h>

#include "ai/blocks.h"
#include "ai/provider.h"
#include "template_fill.h"

/* "[1] Chapter 3 (part 2): text\n\n[2] ..." */
static json_t *numbered_sources(const json_t *hits)
{
	json_t *text = json_string(""), *hit;
	size_t i;
	json_array_foreach(hits, i, hit) {
		char head[64];
		snprintf(head, sizeof head, "%s[%zu] ", i ? "\n\n" : "", i + 1);
		json_t *more = json_pack("s++++", json_string_value(text), head, json_string_value(json_object_get(hit, "document")), ": ",
		                         json_string_value(json_object_get(hit, "text")));
		json_decref(text);
		text = more;
	}
	return text;
}

static int run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config)
{
	json_t *question;
	if (template_fill(ctx, json_string_value(json_object_get(config, "question")), inputs, 0, &question) != AXON_OK)
		return AXON_FAIL;
	json_t *found = ai_knowledge(ctx, config, "search", json_string_value(json_object_get(config, "embedding_model")),
	                             json_pack("{s:O, s:O}", "query", question, "k", json_object_get(config, "k")));
	if (!found) {
		json_decref(question);
		return AXON_FAIL;
	}
	json_t *hits = json_object_get(found, "hits");
	json_t *sources = numbered_sources(hits);
	json_t *messages = json_pack("[{s:s, s:s}, {s:s, s:s+++}]", "role", "system", "content",
	                             "Answer the question from the numbered sources only, citing each source you use as [1], [2]... "
	                             "If the sources do not hold the answer, say so.",
	                             "role", "user", "content", "Sources:\n", json_string_value(sources), "\n\nQuestion: ",
	                             json_string_value(question));
	json_decref(sources);
	json_t *req = ai_request(config, messages);
	json_t *answer = ai_ask(ctx, req), *usage = NULL;
	json_decref(req);
	if (!answer) {
		json_decref(found);
		json_decref(question);
		return AXON_FAIL;
	}
	ai_add_usage(&usage, answer);
	const char *text = json_string_value(json_object_get(answer, "text"));
	json_t *citations = json_array(), *hit;
	size_t i;
	json_array_foreach(hits, i, hit) {
		char mark[24];
		snprintf(mark, sizeof mark, "[%zu]", i + 1);
		json_t *c = json_pack("{s:I, s:O, s:O, s:O, s:O, s:O, s:b}", "n", (json_int_t)i + 1, "document", json_object_get(hit, "document"),
		                      "source", json_object_get(hit, "source"), "seq", json_object_get(hit, "seq"), "text",
		                      json_object_get(hit, "text"), "score", json_object_get(hit, "score"), "cited", strstr(text, mark) != NULL);
		json_array_append_new(citations, c);
	}
	json_t *out = json_pack("{s:o, s:O, s:o, s:o}", "question", question, "text", json_object_get(answer, "text"),
	                        "citations", citations, "usage", usage);
	json_decref(answer);
	json_decref(found);
	return axon_emit(ctx, "answer", out) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port inputs[] = {
	{ "in", "the data the question refers to, as {{ in.field }}" },
	{ NULL, NULL },
};
static const struct axon_port outputs[] = {
	{ "answer", "{\"question\", \"text\", \"citations\": [{\"n\", \"document\", \"source\", \"seq\", \"text\", \"score\", \"cited\"}], \"usage\"}" },
	{ NULL, NULL },
};

const struct axon_block ai_answer_block = {
	.name = "ai.answer",
	.version = "1.0.0",
	.title = "Answer from a knowledge base",
	.description = "Answers a question from a knowledge base: finds the closest chunks, gives them to a language model numbered, and outputs its answer with the sources it cited.",
	.category = "ai",
	.inputs = inputs,
	.outputs = outputs,
	.config_schema = "{\"type\": \"object\", \"properties\": {" AI_PROVIDER_PROPERTIES AI_GENERATION_PROPERTIES AI_KB_PROPERTIES
		"\"embedding_model\": {\"type\": \"string\", \"title\": \"Embedding model\", \"description\": \"The model the knowledge base was embedded with (ai.index's model), such as nomic-embed-text\"},"
		"\"question\": {\"type\": \"string\", \"format\": \"template\", \"title\": \"Question\", \"description\": \"Such as {{ in.body.question }}\", \"default\": \"{{ in }}\"},"
		"\"k\": {\"type\": \"integer\", \"title\": \"Sources\", \"description\": \"How many chunks the model is given, 1 to 100\", \"default\": 5}},"
		"\"required\": [\"kb\", \"embedding_model\"]}",
	.limits = { .wall_ms = 300000 },
	.run = run,
};
