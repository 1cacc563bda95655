/* The text family: blocks that fill, cut, search and convert text. */
#ifndef AXON_PLUGINS_TEXT_BLOCKS_H
#define AXON_PLUGINS_TEXT_BLOCKS_H
#include <axon/block.h>

extern const struct axon_block text_template_block, html_extract_block;

#define TEXT_BLOCKS &text_template_block, &html_extract_block

#endif
