/* Server-side templates: XHTML files parsed once by libxml2, with attribute
 * directives in the namespace "https://axon.dev/ns/template" (prefix "ax"),
 * rendered straight from the parsed tree into a buffer. Every text and
 * attribute value passes through one escaper (sb_add_html), so data from the
 * model can never become markup; URL attributes refuse javascript:/data:/vbscript:.
 * The syntax is documented in docs/templates.md. */
#ifndef AXON_TEMPLATE_H
#define AXON_TEMPLATE_H
#include <jansson.h>
#include <stddef.h>

#include "strbuf.h"

struct templates;

/* Parses every *.html below dir (recursively; the name of "dir/workflows/list.html"
 * is "workflows/list"). Returns NULL and "FILE:LINE: reason" in err on the first bad template. */
struct templates *templates_load(const char *dir, char *err, size_t errlen);
/* Same, from one in-memory document (for tests and the fuzzer); name is its name. */
struct templates *templates_load_string(const char *name, const char *xml, size_t len, char *err, size_t errlen);
void templates_free(struct templates *t);
int templates_has(const struct templates *t, const char *name);

/* Renders template "name" with model (a JSON object) into out. A page whose root
 * element carries ax:layout="L" is rendered inside template L, in place of the
 * children of L's element that carries ax:content. Returns 0, or -1 with a reason. */
int template_render(const struct templates *t, const char *name, const json_t *model,
		    struct strbuf *out, char *err, size_t errlen);

#endif
