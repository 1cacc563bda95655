/* The chat family: messages posted through the daemon's chat service. */
#ifndef AXON_PLUGINS_CHAT_BLOCKS_H
#define AXON_PLUGINS_CHAT_BLOCKS_H
#include <axon/block.h>

extern const struct axon_block chat_post_block;

#define CHAT_BLOCKS &chat_post_block

#endif
