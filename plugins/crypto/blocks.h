/* The crypto family: digests, signatures and random identifiers, with
 * OpenSSL's libcrypto. */
#ifndef AXON_PLUGINS_CRYPTO_BLOCKS_H
#define AXON_PLUGINS_CRYPTO_BLOCKS_H
#include <axon/block.h>

extern const struct axon_block crypto_hash_block, crypto_hmac_block, crypto_uuid_block;

#define CRYPTO_BLOCKS &crypto_hash_block, &crypto_hmac_block, &crypto_uuid_block

#endif
