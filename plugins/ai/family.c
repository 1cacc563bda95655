#include "family.h"
#include "ai/blocks.h"

AXON_FAMILY("ai", AI_BLOCKS)
