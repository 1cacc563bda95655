/* The run() and check() of each code block, one file per language: the
 * check compiles the code when the workflow is saved. */
#ifndef AXON_CODE_BLOCKS_H
#define AXON_CODE_BLOCKS_H
#include <axon/block.h>

int code_lua_run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config);
int code_jq_run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config);
int code_js_run(struct axon_ctx *ctx, const json_t *inputs, const json_t *config);
int code_lua_check(struct axon_ctx *ctx, const json_t *config);
int code_jq_check(struct axon_ctx *ctx, const json_t *config);
int code_js_check(struct axon_ctx *ctx, const json_t *config);

#endif
