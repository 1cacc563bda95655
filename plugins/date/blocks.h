/* The date family: dates read, written and moved in IANA time zones. */
#ifndef AXON_PLUGINS_DATE_BLOCKS_H
#define AXON_PLUGINS_DATE_BLOCKS_H
#include <axon/block.h>

extern const struct axon_block date_parse_block, date_format_block, date_add_block;

#define DATE_BLOCKS &date_parse_block, &date_format_block, &date_add_block

#endif
