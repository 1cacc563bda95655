/* What pages add to store rows for people: links and readable times. The
 * JSON twins carry them too, so a script can follow the same links. */
#ifndef AXON_DECORATE_H
#define AXON_DECORATE_H
#include <jansson.h>
#include <stdint.h>

/* obj[to] = obj[from] (unix seconds) as "2026-11-22 01:40 UTC"; "never" when null. */
void add_time(json_t *obj, const char *from, const char *to);
void decorate_workflow(json_t *wf);
void decorate_workflows(json_t *list);
void decorate_versions(json_t *versions, int64_t workflow_id);
void decorate_users(json_t *users, int64_t me);
void decorate_tokens(json_t *tokens);

#endif
