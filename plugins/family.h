/* A family of core blocks (plugins/flow/, plugins/data/, ...): one plugin,
 * one .so, with each block written in its own file as a const struct
 * axon_block. The descriptor wants the blocks side by side in one array,
 * which a static initializer cannot copy from other files, so AXON_FAMILY
 * copies them when the plugin is loaded (a constructor runs inside dlopen,
 * before axon_plugin() can be called). */
#ifndef AXON_PLUGINS_FAMILY_H
#define AXON_PLUGINS_FAMILY_H
#include <axon/block.h>

/* AXON_FAMILY("data", &data_filter_block, &data_sort_block, ...) */
#define AXON_FAMILY(family_name, ...) \
	static const struct axon_block *const family_members[] = { __VA_ARGS__ }; \
	static struct axon_block family_blocks[sizeof family_members / sizeof family_members[0]]; \
	__attribute__((constructor)) static void family_collect(void) \
	{ \
		for (size_t i = 0; i < sizeof family_members / sizeof family_members[0]; i++) \
			family_blocks[i] = *family_members[i]; \
	} \
	AXON_PLUGIN(family_name, family_blocks)

#endif
