/* application/x-www-form-urlencoded bodies and query strings:
 * "a=1&b=two+words&c=%C3%A9". */
#include "web/form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int url_decode(const char *in, size_t len, char **out, size_t *outlen)
{
	char *buf = xmalloc(len + 1);
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (in[i] == '+') {
			buf[n++] = ' ';
		} else if (in[i] != '%') {
			buf[n++] = in[i];
		} else {
			int hi = len - i > 2 ? hex_value(in[i + 1]) : -1;
			int lo = hi >= 0 ? hex_value(in[i + 2]) : -1;
			if (lo < 0) {
				free(buf);
				*out = NULL;
				return -1;
			}
			buf[n++] = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return 0;
}

#define ESCAPE_HELP "a %% must be followed by two hex digits; send a literal %% as %%25"

static int add_pair(struct form *f, size_t index, const char *pair, size_t len, char *err, size_t errlen)
{
	char label[32];
	snprintf(label, sizeof label, "field %zu", index);
	const char *eq = memchr(pair, '=', len);
	size_t raw_name_len = eq ? (size_t)(eq - pair) : len;
	char *name, *value;
	size_t name_len, value_len;
	if (url_decode(pair, raw_name_len, &name, &name_len) < 0) {
		snprintf(err, errlen, "%s: bad percent escape in the name (" ESCAPE_HELP ")", label);
		return -1;
	}
	int rc = -1;
	if (form_check_name(label, name, name_len, err, errlen) < 0)
		goto out;
	if (url_decode(eq ? eq + 1 : "", eq ? len - raw_name_len - 1 : 0, &value, &value_len) < 0) {
		snprintf(err, errlen, "field '%.*s': bad percent escape in the value (" ESCAPE_HELP ")",
			 form_name_excerpt(name, name_len), name);
		goto out;
	}
	rc = form_add_checked(f, label, name, name_len, value, value_len, 0, err, errlen);
	free(value);
out:
	free(name);
	return rc;
}

int form_parse_urlencoded(struct form *f, const char *data, size_t len, char *err, size_t errlen)
{
	size_t index = 0, start = 0;
	while (start < len) {
		const char *amp = memchr(data + start, '&', len - start);
		size_t end = amp ? (size_t)(amp - data) : len;
		/* "a=1&&b=2": an empty pair is nothing, not a field without a name. */
		if (end > start && add_pair(f, ++index, data + start, end - start, err, errlen) < 0)
			return -1;
		start = end + 1;
	}
	return 0;
}
