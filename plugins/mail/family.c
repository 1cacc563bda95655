#include "family.h"
#include "mail/blocks.h"

AXON_FAMILY("mail", MAIL_BLOCKS)
