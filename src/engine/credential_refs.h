/* Which saved workflows name a credential: a block's config (or a poll
 * trigger's) gives a credential, by id or by name, in a property whose
 * schema says "format": "credential". Found in the current versions with the
 * blocks' schemas, so that a credential's page lists a workflow before its
 * first run, and deleting it is refused while one names it. */
#ifndef AXON_ENGINE_CREDENTIAL_REFS_H
#define AXON_ENGINE_CREDENTIAL_REFS_H
#include <jansson.h>

/* registry: {"blocks": [{"name", "config_schema"}]}; defs: [{"id", "name",
 * "definition"}] (store_workflow_current_definitions()); creds: [{"id",
 * "name"}]. Returns {"CREDENTIAL ID": [{"id", "name"}] of the workflows that
 * name it}, each workflow once (new reference). */
json_t *credential_refs(const json_t *registry, const json_t *defs, const json_t *creds);

#endif
