/* Placeholder until the template engine lands. */
#include "web/template.h"
#include <stdio.h>
struct templates *templates_load(const char *dir, char *err, size_t errlen) { snprintf(err, errlen, "%s: not yet", dir); return NULL; }
struct templates *templates_load_string(const char *name, const char *xml, size_t len, char *err, size_t errlen) { (void)xml; (void)len; snprintf(err, errlen, "%s: not yet", name); return NULL; }
void templates_free(struct templates *t) { (void)t; }
int templates_has(const struct templates *t, const char *name) { (void)t; (void)name; return 0; }
int template_render(const struct templates *t, const char *name, const json_t *model, struct strbuf *out, char *err, size_t errlen) { (void)t; (void)model; (void)out; snprintf(err, errlen, "%s: not yet", name); return -1; }
