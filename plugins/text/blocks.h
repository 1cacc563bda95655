/* The text family: blocks that fill, cut, search and convert text. */
#ifndef AXON_PLUGINS_TEXT_BLOCKS_H
#define AXON_PLUGINS_TEXT_BLOCKS_H
#include <axon/block.h>

extern const struct axon_block text_template_block, text_join_block, text_split_block, text_replace_block,
	text_match_block, text_case_block, html_extract_block, html_to_text_block, markdown_to_html_block;

#define TEXT_BLOCKS &text_template_block, &text_join_block, &text_split_block, &text_replace_block, &text_match_block, \
	&text_case_block, &html_extract_block, &html_to_text_block, &markdown_to_html_block

#endif
