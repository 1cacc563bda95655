/* The blocks this server can run, and the plugins it skipped with their reason. */
#include "sandbox/sandbox.h"
#include "web/pages/pages.h"

void blocks_list(struct request *r)
{
	json_t *registry = sandbox_registry(r->app->sandbox);
	json_t *m = page_model(r, "Blocks");
	json_object_set(m, "blocks", json_object_get(registry, "blocks"));
	json_object_set(m, "skipped", json_object_get(registry, "skipped"));
	json_decref(registry);
	reply_view(r, 200, "blocks/list", m);
}
