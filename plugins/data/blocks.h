/* The data family: blocks that reshape JSON, and read and write it as text. */
#ifndef AXON_PLUGINS_DATA_BLOCKS_H
#define AXON_PLUGINS_DATA_BLOCKS_H
#include <axon/block.h>

extern const struct axon_block json_set_block, data_filter_block, data_sort_block, data_limit_block, data_dedupe_block,
	data_aggregate_block, data_split_block, data_join_block, json_parse_block, json_stringify_block, csv_parse_block,
	csv_format_block, xml_parse_block;

#define DATA_BLOCKS &json_set_block, &data_filter_block, &data_sort_block, &data_limit_block, &data_dedupe_block, \
	&data_aggregate_block, &data_split_block, &data_join_block, &json_parse_block, &json_stringify_block, \
	&csv_parse_block, &csv_format_block, &xml_parse_block

#endif
