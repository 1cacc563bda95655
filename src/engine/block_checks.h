/* The blocks' own judgement of their configs when a workflow is saved
 * (axon_block.check: a code block compiles its code), run in the sandbox and
 * remembered per block type and config until the plugins change, so that
 * saving the same code again, listing workflows or starting a run costs a
 * lookup. */
#ifndef AXON_ENGINE_BLOCK_CHECKS_H
#define AXON_ENGINE_BLOCK_CHECKS_H
#include <jansson.h>

struct sandbox;
struct block_checks;

struct block_checks *block_checks_new(void);
void block_checks_free(struct block_checks *bc);

/* Runs each of checks (workflow_validate_checks()'s list) not remembered for this
 * registry generation, and appends a {"block": id, "message": M} to problems
 * for each config its block refuses. A check that could not run at all (the
 * sandbox restarting) refuses nothing: the run will say what is wrong. With
 * remembered_only, runs none: what is not remembered is left out. stored
 * (or NULL) is what the store keeps of a version's checks, {block id:
 * {"key": K, "artifact": A}}: an entry whose key is the check's (same type,
 * plugin file and config) answers it as passed. When artifacts is not NULL,
 * each passing check that kept an artifact (axon_host.keep) sets
 * artifacts[block id] = {"key": K, "artifact": A}. Returns how many checks
 * were left without an answer. */
size_t block_checks_run(struct block_checks *bc, struct sandbox *sb, unsigned generation, const json_t *checks,
                        json_t *problems, int remembered_only, const json_t *stored, json_t *artifacts);

#endif
