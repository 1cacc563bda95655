/* The ai family: blocks that ask a language model, through the daemon
 * (host->llm): the provider's key stays in the daemon. */
#ifndef AXON_PLUGINS_AI_BLOCKS_H
#define AXON_PLUGINS_AI_BLOCKS_H
#include <axon/block.h>

extern const struct axon_block ai_chat_block, ai_extract_block, ai_classify_block, ai_embed_block, ai_index_block,
	ai_search_block, ai_answer_block, ai_agent_block;

#define AI_BLOCKS &ai_chat_block, &ai_extract_block, &ai_classify_block, &ai_embed_block, &ai_index_block, \
	&ai_search_block, &ai_answer_block, &ai_agent_block

#endif
