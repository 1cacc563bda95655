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
 * is "workflows/list") and checks that every ax:include and ax:layout names one
 * of them. Returns NULL and "FILE:LINE: reason" in err on the first bad template.
 * Call it before starting threads (libxml2 initialises itself on first use). */
struct templates *templates_load(const char *dir, char *err, size_t errlen);
/* Same, from one in-memory document (for tests and the fuzzer); name is its name. */
struct templates *templates_load_string(const char *name, const char *xml, size_t len, char *err, size_t errlen);
/* Adds one more in-memory document to a set (tests: layouts and includes need
 * two). Unlike templates_load, an ax:include or ax:layout naming a template not
 * (yet) in the set is only reported when rendered. Returns 0, or -1 and err. */
int templates_add_string(struct templates *t, const char *name, const char *xml, size_t len, char *err,
			 size_t errlen);
void templates_free(struct templates *t);
int templates_has(const struct templates *t, const char *name);

/* Renders template "name" with model (a JSON object) into out. A page whose root
 * element carries ax:layout="L" is rendered inside template L, in place of the
 * children of L's element that carries ax:content. Every <form method="post">
 * gets <input type="hidden" name="csrf"> first, valued from the model's
 * top-level "csrf" string. Thread-safe: the set is only read.
 * Returns 0, or -1 with "FILE:LINE: reason" (out is then left as it was). */
int template_render(const struct templates *t, const char *name, const json_t *model,
		    struct strbuf *out, char *err, size_t errlen);

#endif
