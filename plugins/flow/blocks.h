/* The flow family: blocks that steer a run. */
#ifndef AXON_PLUGINS_FLOW_BLOCKS_H
#define AXON_PLUGINS_FLOW_BLOCKS_H
#include <axon/block.h>

extern const struct axon_block flow_if_block, flow_switch_block, flow_merge_block, flow_stop_block;

#define FLOW_BLOCKS &flow_if_block, &flow_switch_block, &flow_merge_block, &flow_stop_block

#endif
