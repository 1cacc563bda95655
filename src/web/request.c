#include "web/request.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"

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

static bool is_host(const char *s)
{
	return *s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-:[]") == strlen(s);
}

static bool from_trusted_proxy(struct request *r)
{
	struct cidr ranges[CONFIG_CIDRS_MAX];
	char err[200];
	int n = cidr_parse_list(r->app->cfg.trusted_proxies, ranges, CONFIG_CIDRS_MAX, err, sizeof err);
	return n > 0 && r->remote_addr && cidr_match(ranges, (size_t)n, r->remote_addr);
}

void req_public_base(struct request *r, struct strbuf *sb)
{
	if (r->app->cfg.public_url[0]) {
		sb_adds(sb, r->app->cfg.public_url);
		return;
	}
	if (from_trusted_proxy(r)) {
		/* The first proxy's view: "a, b" lists them nearest last. */
		char host[256], proto[16];
		snprintf(host, sizeof host, "%s", req_param(r, "HTTP_X_FORWARDED_HOST"));
		snprintf(proto, sizeof proto, "%s", req_param(r, "HTTP_X_FORWARDED_PROTO"));
		host[strcspn(host, ", ")] = '\0';
		proto[strcspn(proto, ", ")] = '\0';
		if (is_host(host)) {
			sb_printf(sb, "%s://%s", !strcmp(proto, "https") || (!*proto && r->https) ? "https" : "http", host);
			return;
		}
	}
	const char *host = req_param(r, "HTTP_HOST");
	sb_printf(sb, "%s://", r->https ? "https" : "http");
	if (is_host(host))
		sb_adds(sb, host);
	else if (is_host(req_param(r, "SERVER_ADDR")) && is_host(req_param(r, "SERVER_PORT")))
		sb_printf(sb, strchr(req_param(r, "SERVER_ADDR"), ':') ? "[%s]:%s" : "%s:%s", req_param(r, "SERVER_ADDR"),
			  req_param(r, "SERVER_PORT"));
	else
		sb_adds(sb, "localhost");
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
