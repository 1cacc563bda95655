/* The workflow definition, format 1 (docs/workflow-format.md): parsing,
 * validation against the block registry, and the order blocks run in. */
#ifndef AXON_ENGINE_WORKFLOW_H
#define AXON_ENGINE_WORKFLOW_H
#include <stddef.h>

#include <jansson.h>

#define WORKFLOW_FORMAT 1
#define WORKFLOW_MAX_ID 64        /* characters in a block id */
#define WORKFLOW_MAX_BLOCKS 1000
#define WORKFLOW_MAX_EDGES 10000
#define WORKFLOW_MAX_UI 1000000   /* bound of a "ui" coordinate, either sign */
#define WORKFLOW_MAX_SAMPLE 65536 /* bytes of the trigger's "sample" as JSON */

/* Loads a definition from JSON text (duplicate keys refused). Returns the
 * value, or NULL with "line L column C: ..." in err. Check it with workflow_validate. */
json_t *workflow_parse(const char *text, size_t len, char *err, size_t errlen);

/* Checks def against registry (the JSON of sandbox_registry(): {"blocks": [{"name",
 * "inputs", "outputs", "config_schema"}...]}) and returns every problem found as a new
 * array of {"block": id or null, "message": "..."}; an empty array means valid. */
json_t *workflow_validate(const json_t *def, const json_t *registry);

/* workflow_validate(), and in *checks (a new array) what the blocks' own
 * check() must judge before def is valid: {"block": id, "type": name,
 * "config": C, "plugin": the identity of its plugin file} for each block
 * whose type has "checks": true and that has no problem, C with a stand-in
 * for each template of a non-string field. */
json_t *workflow_validate_checks(const json_t *def, const json_t *registry, json_t **checks);

/* The block ids of a valid def in an order where every block comes after all
 * the blocks it has edges from (ties keep the order of "blocks"). NULL when
 * def does not pass workflow_validate's checks on ids, edges and cycles. */
json_t *workflow_order(const json_t *def);
/* The ids of block and of every block its edges lead to, directly or not:
 * what runs again when a run starts over from block. A new object used as
 * a set ({"id": true}). */
json_t *workflow_downstream(const json_t *def, const char *block);

/* settings.priority: the order of the queue between workflows. */
enum run_priority { PRIORITY_HIGH, PRIORITY_NORMAL, PRIORITY_LOW };
/* The priority def's settings ask for; normal when none (or def is NULL). */
enum run_priority workflow_priority(const json_t *def);

#endif
