/* "{{ path }}" placeholders filled from a block's inputs ({{ in.user.name }}),
 * shared by text.template and the blocks whose config has template strings
 * (the AI prompts). */
#ifndef AXON_PLUGINS_TEMPLATE_FILL_H
#define AXON_PLUGINS_TEMPLATE_FILL_H
#include <axon/block.h>

/* Fills tpl into *out (a new string); a path not in the inputs fails the
 * block, or becomes empty text when missing_empty. AXON_OK or AXON_FAIL. */
int template_fill(struct axon_ctx *ctx, const char *tpl, const json_t *inputs, int missing_empty, json_t **out);

#endif
