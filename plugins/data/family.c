#include "family.h"
#include "data/blocks.h"

AXON_FAMILY("data", DATA_BLOCKS)
