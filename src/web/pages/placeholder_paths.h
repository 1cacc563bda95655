/* The placeholder picker's paths inside the values of a run (placeholder_paths.c). */
#ifndef AXON_WEB_PAGES_PLACEHOLDER_PATHS_H
#define AXON_WEB_PAGES_PLACEHOLDER_PATHS_H
#include <jansson.h>

/* placeholders (["{{ trigger }}", "{{ fetch.response }}", ...]) with, after
 * each, the fields the value it names held in run (store_run_get's, with
 * its input and steps): "{{ fetch.response.status }}"... A new array. */
json_t *placeholder_paths(const json_t *placeholders, const json_t *run);

#endif
