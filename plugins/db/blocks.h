/* The db family: SQL through the daemon's database service. */
#ifndef AXON_PLUGINS_DB_BLOCKS_H
#define AXON_PLUGINS_DB_BLOCKS_H
#include <axon/block.h>

extern const struct axon_block db_query_block;

#define DB_BLOCKS &db_query_block

#endif
