#include "template_fill.h"

#include <stdlib.h>
#include <string.h>

#include "json_path.h"

int template_fill(struct axon_ctx *ctx, const char *tpl, const json_t *inputs, int missing_empty, json_t **out)
{
	size_t cap = strlen(tpl) + 64, len = 0;
	char *buf = malloc(cap);
	const char *p = tpl;
	while (buf && *p) {
		const char *open = strstr(p, "{{");
		const char *close = open ? strstr(open + 2, "}}") : NULL;
		if (open && !close) {
			free(buf);
			return axon_fail(ctx, "the template has a \"{{\" without its \"}}\" at character %zu", (size_t)(open - tpl) + 1);
		}
		const char *lit_end = open ? open : p + strlen(p);
		char *value = NULL;
		if (open) {
			const char *a = open + 2, *b = close;
			while (a < b && *a == ' ')
				a++;
			while (b > a && b[-1] == ' ')
				b--;
			char *path = strndup(a, (size_t)(b - a));
			const json_t *v = path ? jpath_get(inputs, path) : NULL;
			if (!v && !missing_empty) {
				int rc = axon_fail(ctx, "the template asks for {{ %s }}, which is not in the inputs", path ? path : "?");
				free(path);
				free(buf);
				return rc;
			}
			free(path);
			value = !v ? strdup("") : json_is_string(v) ? strdup(json_string_value(v)) : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		}
		size_t need = len + (size_t)(lit_end - p) + (value ? strlen(value) : 0) + 1;
		if (need > cap) {
			cap = need * 2;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(value);
				break;
			}
			buf = nb;
		}
		memcpy(buf + len, p, (size_t)(lit_end - p));
		len += (size_t)(lit_end - p);
		if (value) {
			memcpy(buf + len, value, strlen(value));
			len += strlen(value);
			free(value);
		}
		p = open ? close + 2 : lit_end;
	}
	if (!buf)
		return axon_fail(ctx, "out of memory");
	buf[len] = '\0';
	*out = json_stringn(buf, len);
	free(buf);
	return *out ? AXON_OK : axon_fail(ctx, "the filled template is not valid UTF-8");
}
