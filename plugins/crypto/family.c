#include "family.h"
#include "crypto/blocks.h"

AXON_FAMILY("crypto", CRYPTO_BLOCKS)
