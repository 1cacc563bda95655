#include "family.h"
#include "chat/blocks.h"

AXON_FAMILY("chat", CHAT_BLOCKS)
