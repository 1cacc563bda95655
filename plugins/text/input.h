/* What the text blocks share: the text they work on, taken from the input
 * or from a path in it, and the schema property that names that path. */
#ifndef AXON_PLUGINS_TEXT_INPUT_H
#define AXON_PLUGINS_TEXT_INPUT_H
#include <axon/block.h>

#define TEXT_PATH "\"path\": {\"type\": \"string\", \"title\": \"Text\", \"description\": \"Dotted path of the text in the input, such as body.title; empty when the input is the text\", \"default\": \"\"}"

/* The string at the config's "path" in the input "in" (borrowed; its length
 * in *len, NUL bytes included), or NULL after failing the run. */
const char *text_input(struct axon_ctx *ctx, const json_t *inputs, const json_t *config, size_t *len);

#endif
