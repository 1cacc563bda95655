/* What the list blocks of the data family share: the list they work on, and
 * the place of one of its items in messages. */
#ifndef AXON_PLUGINS_DATA_LIST_H
#define AXON_PLUGINS_DATA_LIST_H
#include <axon/block.h>

/* The schema property "path" every list block has. */
#define DATA_LIST_PATH "\"path\": {\"type\": \"string\", \"title\": \"List\", \"description\": \"Dotted path of the list in the input, such as body.items; empty when the input is the list\", \"default\": \"\"}"

/* The array at the config's "path" in the input "in" (borrowed), or NULL
 * after failing the run with what was there instead. */
const json_t *data_list(struct axon_ctx *ctx, const json_t *inputs, const json_t *config);

/* "in.items.3.price": the place of field in item index of the list, for
 * messages (field may be ""). */
void data_where(char *buf, size_t len, const json_t *config, size_t index, const char *field);

#endif
