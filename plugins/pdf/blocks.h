/* The pdf family: documents read in the sandbox, with poppler. */
#ifndef AXON_PLUGINS_PDF_BLOCKS_H
#define AXON_PLUGINS_PDF_BLOCKS_H
#include <axon/block.h>

extern const struct axon_block pdf_text_block;

#define PDF_BLOCKS &pdf_text_block

#endif
