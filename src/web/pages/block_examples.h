/* A block's examples for its page, from the fixtures its plugin ships. */
#ifndef AXON_BLOCK_EXAMPLES_H
#define AXON_BLOCK_EXAMPLES_H
#include <jansson.h>

/* The examples of block BLOCK of the plugin file PLUGIN (DIR/STEM.so), read
 * from DIR/examples/STEM/ (each *.json there in axon-block test's fixture
 * format, in name order), as {"examples": [{name, config, config_text,
 * inputs: [{port, value, text}], outputs: [{port, value, text}], status,
 * fails, error_contains}], "problems": [what was wrong with a file, naming it]}.
 * A plugin without that folder has no examples and no problems. */
json_t *block_examples(const char *plugin, const char *block);

#endif
