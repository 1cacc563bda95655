#include "family.h"
#include "db/blocks.h"

AXON_FAMILY("db", DB_BLOCKS)
