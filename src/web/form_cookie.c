/* The Cookie request header: "a=b; c=\"d\"" (RFC 6265, section 4.2). */
#include "web/form.h"

#include <stdio.h>
#include <string.h>

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* A cookie name is an RFC 7230 token: visible ASCII but the separators. */
static int is_token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c);
}

static int add_cookie(struct form *f, size_t index, const char *s, size_t len, char *err, size_t errlen)
{
	const char *eq = memchr(s, '=', len);
	if (!eq) {
		snprintf(err, errlen, "cookie %zu has no '=' (expected name=value)", index);
		return -1;
	}
	size_t name_len = (size_t)(eq - s);
	while (name_len && is_ows(s[name_len - 1]))
		name_len--;
	if (!name_len) {
		snprintf(err, errlen, "cookie %zu has an empty name", index);
		return -1;
	}
	for (size_t i = 0; i < name_len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_token_char(c))
			continue;
		if (c > 0x20 && c < 0x7f)
			snprintf(err, errlen, "cookie %zu: the name contains '%c', which a cookie name may not", index, c);
		else
			snprintf(err, errlen, "cookie %zu: the name contains a space, a control character or a "
				 "non-ASCII byte", index);
		return -1;
	}
	const char *value = eq + 1, *end = s + len;
	while (value < end && is_ows(*value))
		value++;
	size_t value_len = (size_t)(end - value);
	if (value_len >= 2 && value[0] == '"' && value[value_len - 1] == '"')
		value++, value_len -= 2;
	const char *why = text_problem(value, value_len, 1);
	if (why) {
		snprintf(err, errlen, "cookie '%.*s': %s", form_name_excerpt(s, name_len), s, why);
		return -1;
	}
	char label[32];
	snprintf(label, sizeof label, "cookie %zu", index);
	return form_add_checked(f, label, s, name_len, value, value_len, 0, err, errlen);
}

int form_parse_cookies(struct form *f, const char *header, char *err, size_t errlen)
{
	if (!header)
		return 0;
	size_t len = strnlen(header, FORM_MAX_COOKIE_HEADER + 1);
	if (len > FORM_MAX_COOKIE_HEADER) {
		snprintf(err, errlen, "the Cookie header is longer than %d KiB (clear this site's cookies "
			 "in the browser)", FORM_MAX_COOKIE_HEADER / 1024);
		return -1;
	}
	size_t index = 0;
	const char *p = header, *end = header + len;
	for (;;) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *stop = semi ? semi : end;
		while (p < stop && is_ows(*p))
			p++;
		const char *last = stop;
		while (last > p && is_ows(last[-1]))
			last--;
		if (last > p) {
			if (++index > FORM_MAX_COOKIES) {
				snprintf(err, errlen, "more than %d cookies (clear this site's cookies in the browser)",
					 FORM_MAX_COOKIES);
				return -1;
			}
			if (add_cookie(f, index, p, (size_t)(last - p), err, errlen) < 0)
				return -1;
		}
		if (!semi)
			return 0;
		p = semi + 1;
	}
}
