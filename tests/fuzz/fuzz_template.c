/* libFuzzer target: the input is loaded as a template; if it loads, it is
 * rendered against a small fixed model. Loading must reject bad input with a
 * message, and rendering must neither crash nor run away (see MAX_* in
 * src/web/template.c). Seeds: tests/fuzz/corpus/template/. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "web/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char model_json[] =
	"{\"csrf\": \"tok\", \"title\": \"<T&>\", \"n\": 3, \"yes\": true, \"no\": false, \"nil\": null,"
	" \"url\": \"javascript:alert(1)\", \"user\": {\"name\": \"Ada\", \"tags\": [\"a\", \"b\"]},"
	" \"items\": [{\"name\": \"x\", \"on\": true, \"sub\": [1, 2]},"
	"  {\"name\": \"y\", \"on\": false, \"sub\": []}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *model;
	if (!model)
		model = json_loads(model_json, 0, NULL);
	char err[512];
	struct templates *t = templates_load_string("fuzz", (const char *)data, size, err, sizeof err);
	if (!t) {
		if (!memchr(err, ':', strlen(err)))
			__builtin_trap(); /* every refusal says where */
		return 0;
	}
	struct strbuf out = STRBUF_INIT;
	if (template_render(t, "fuzz", model, &out, err, sizeof err) < 0 && out.len != 0)
		__builtin_trap(); /* a failed render leaves the buffer as it was */
	sb_free(&out);
	templates_free(t);
	return 0;
}
