#include "family.h"
#include "flow/blocks.h"

AXON_FAMILY("flow", FLOW_BLOCKS)
