#include "family.h"
#include "date/blocks.h"

AXON_FAMILY("date", DATE_BLOCKS)
