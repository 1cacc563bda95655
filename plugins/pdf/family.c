#include "family.h"
#include "pdf/blocks.h"

AXON_FAMILY("pdf", PDF_BLOCKS)
