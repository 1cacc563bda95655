#include "family.h"
#include "net/blocks.h"

AXON_FAMILY("net", NET_BLOCKS)
