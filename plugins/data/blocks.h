/* The data family: blocks that reshape JSON, and read and write it as text. */
#ifndef AXON_PLUGINS_DATA_BLOCKS_H
#define AXON_PLUGINS_DATA_BLOCKS_H
#include <axon/block.h>

extern const struct axon_block json_set_block;

#define DATA_BLOCKS &json_set_block

#endif
