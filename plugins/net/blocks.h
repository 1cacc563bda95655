/* The net family: blocks that reach other machines, through the daemon. */
#ifndef AXON_PLUGINS_NET_BLOCKS_H
#define AXON_PLUGINS_NET_BLOCKS_H
#include <axon/block.h>

extern const struct axon_block http_request_block;
extern const struct axon_block feed_read_block;

#define NET_BLOCKS &http_request_block, &feed_read_block

#endif
