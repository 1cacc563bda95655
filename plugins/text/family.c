#include "family.h"
#include "text/blocks.h"

AXON_FAMILY("text", TEXT_BLOCKS)
