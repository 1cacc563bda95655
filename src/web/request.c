#include "web/request.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *req_param(struct request *r, const char *name)
{
	const char *v = FCGX_GetParam(name, r->fcgx->envp);
	return v ? v : "";
}

const char *req_cookie(struct request *r, const char *name)
{
	return form_get(&r->cookies, name);
}

const char *req_query(struct request *r, const char *name)
{
	return form_get(&r->query, name);
}

const char *req_field(struct request *r, const char *name)
{
	return form_get(&r->body, name);
}

int64_t req_id_param(struct request *r, int i)
{
	const char *s = r->params[i];
	if (!s || !*s || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s) || s[0] == '0')
		return 0;
	return strtoll(s, NULL, 10);
}

void req_add_header(struct request *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&r->headers, fmt, ap);
	va_end(ap);
	sb_adds(&r->headers, "\r\n");
}

void req_set_cookie(struct request *r, const char *name, const char *value, long max_age)
{
	req_add_header(r, "Set-Cookie: %s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%ld%s", name, value,
		       max_age, r->https ? "; Secure" : "");
}
