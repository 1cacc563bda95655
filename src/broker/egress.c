#include "build-config.h"
#include "broker/egress.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "broker/credential_apply.h"
#include "broker/credentials.h"
#include "broker/http_encode.h"
#include "broker/secrets.h"
#include "clock.h"
#include "config.h"
#include "strbuf.h"

enum addr_kind { ADDR_PUBLIC, ADDR_LOOPBACK, ADDR_PRIVATE, ADDR_NEVER };

static enum addr_kind classify_v4(uint32_t a)
{
	if ((a >> 24) == 127 || (a >> 24) == 0)
		return ADDR_LOOPBACK; /* 0.0.0.0/8 reaches this host too */
	if ((a >> 24) == 10 || (a >> 20) == (172u << 4 | 1) || (a >> 16) == (192u << 8 | 168) ||
	    (a >> 22) == (100u << 2 | 1) || (a >> 16) == (169u << 8 | 254))
		return ADDR_PRIVATE; /* RFC 1918, CGNAT 100.64/10, link-local (cloud metadata) */
	if ((a >> 28) >= 14)
		return ADDR_NEVER; /* multicast, reserved, broadcast */
	return ADDR_PUBLIC;
}

static enum addr_kind classify(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return classify_v4(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
	if (sa->sa_family != AF_INET6)
		return ADDR_NEVER;
	const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (IN6_IS_ADDR_V4MAPPED(a) || IN6_IS_ADDR_V4COMPAT(a)) {
		uint32_t v4;
		memcpy(&v4, a->s6_addr + 12, 4);
		return classify_v4(ntohl(v4));
	}
	if (IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_UNSPECIFIED(a))
		return ADDR_LOOPBACK;
	if (IN6_IS_ADDR_LINKLOCAL(a) || (a->s6_addr[0] & 0xfe) == 0xfc || IN6_IS_ADDR_SITELOCAL(a))
		return ADDR_PRIVATE;
	if (IN6_IS_ADDR_MULTICAST(a))
		return ADDR_NEVER;
	return ADDR_PUBLIC;
}

struct egress_policy egress_policy_from_config(const struct config *c)
{
	struct egress_policy p = { c->egress_allow_loopback, c->egress_allow_private, c->http_timeout * 1000,
				   c->http_max_bytes, "", "", "", "" };
	snprintf(p.ca_file, sizeof p.ca_file, "%s", c->egress_ca_file);
	snprintf(p.test_base_url, sizeof p.test_base_url, "%s", c->egress_test_base_url);
	snprintf(p.sqlite_allow, sizeof p.sqlite_allow, "%s", c->db_sqlite_allow);
	snprintf(p.sqlite_write, sizeof p.sqlite_write, "%s", c->db_sqlite_write);
	return p;
}

int egress_check_address(const struct egress_policy *p, const struct sockaddr *sa, char *err, size_t errlen)
{
	char text[INET6_ADDRSTRLEN] = "?";
	enum addr_kind k = classify(sa);
	if (k == ADDR_PUBLIC || (k == ADDR_LOOPBACK && p->allow_loopback) || (k == ADDR_PRIVATE && p->allow_private))
		return 0;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text, sizeof text);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, text, sizeof text);
	if (k == ADDR_LOOPBACK)
		snprintf(err, errlen, "egress refused: %s is a loopback address (set egress_allow_loopback = yes in axon.conf to allow it)", text);
	else if (k == ADDR_PRIVATE)
		snprintf(err, errlen, "egress refused: %s is a private or link-local address (set egress_allow_private = yes in axon.conf to allow it)", text);
	else
		snprintf(err, errlen, "egress refused: %s is not a unicast address", text);
	return -1;
}

struct transfer {
	struct egress_guard guard;  /* first: open_socket gets the transfer as its guard */
	CURL *curl;
	struct strbuf body;
	json_t *headers;
	int too_large;
	struct strbuf secret_names; /* "X-Api-Key, Authorization": empty when none */
	char *origin;               /* of the first request, once it is sent */
	json_t *tls;                /* a client certificate's PEM texts, lent to libcurl until the end */
};

/* Every connection libcurl makes, first or after a redirect, comes here with
 * the address it resolved: the one place the policy is enforced. */
static curl_socket_t open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct egress_guard *g = arg;
	if (purpose != CURLSOCKTYPE_IPCXN ||
	    egress_check_address(g->policy, &a->addr, g->refused, sizeof g->refused) < 0) {
		if (!g->refused[0])
			snprintf(g->refused, sizeof g->refused, "egress refused: not an IP connection");
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

void egress_guard(CURL *c, struct egress_guard *g)
{
	g->refused[0] = '\0';
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, g);
	curl_easy_setopt(c, CURLOPT_PROXY, ""); /* a proxy would hide the address from the policy */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, g->policy->timeout_ms);
	if (g->policy->ca_file[0])
		curl_easy_setopt(c, CURLOPT_CAINFO, g->policy->ca_file);
}

void egress_failure(const struct egress_guard *g, CURLcode rc, const char *what, char *err, size_t errlen)
{
	if (g->refused[0])
		snprintf(err, errlen, "%s", g->refused);
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(err, errlen, "no complete answer from %s within %ld ms", what, g->policy->timeout_ms);
	else
		snprintf(err, errlen, "%s: %s", what, curl_easy_strerror(rc));
}

char *egress_origin(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *origin = NULL;
	if (u && curl_url_set(u, CURLUPART_URL, url, CURLU_GUESS_SCHEME) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		struct strbuf sb = STRBUF_INIT;
		sb_printf(&sb, "%s://%s:%s", scheme, host, port);
		origin = sb_detach(&sb);
		for (char *c = origin; *c; c++)
			*c = (char)tolower((unsigned char)*c);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return origin;
}

/* Before every request libcurl sends, first or after a redirect, on a new
 * connection or a reused one. libcurl keeps a custom Authorization header
 * from another host, but no other header: a secret the broker placed in, say,
 * X-Api-Key would reach whatever address a redirect names. So a request with
 * secret headers is sent to its own origin only, and a redirect elsewhere
 * ends the transfer before any header leaves. */
static int before_request(void *arg, char *ip, char *local_ip, int port, int local_port)
{
	struct transfer *t = arg;
	(void)ip, (void)local_ip, (void)port, (void)local_port;
	if (!t->secret_names.len)
		return CURL_PREREQFUNC_OK;
	char *effective = NULL;
	const char *url = curl_easy_getinfo(t->curl, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective ? effective : "";
	char *origin = egress_origin(url);
	if (!t->origin && origin) {
		t->origin = origin;
		return CURL_PREREQFUNC_OK;
	}
	if (origin && !strcmp(origin, t->origin)) {
		free(origin);
		return CURL_PREREQFUNC_OK;
	}
	snprintf(t->guard.refused, sizeof t->guard.refused,
	         "redirect refused: %.150s is not the origin the request was made for (%.150s), and its secret "
	         "headers (%.100s) are never sent to another origin; request that address directly if it should have them",
	         origin ? origin : url, t->origin ? t->origin : "?", sb_str(&t->secret_names));
	free(origin);
	return CURL_PREREQFUNC_ABORT;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	if (t->body.len + n > t->guard.policy->max_bytes) {
		t->too_large = 1;
		return 0;
	}
	sb_add(&t->body, data, n);
	return n;
}

/* Headers of the last response only: a redirect starts them over. */
static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	if (n >= 5 && !strncmp(data, "HTTP/", 5)) {
		json_object_clear(t->headers);
		return n;
	}
	const char *colon = memchr(data, ':', n);
	if (!colon)
		return n;
	char *name = xstrndup(data, (size_t)(colon - data));
	for (char *c = name; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	const char *v = colon + 1, *end = data + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	json_t *value = json_stringn(v, (size_t)(end - v));
	if (value)
		json_object_set_new(t->headers, name, value);
	free(name);
	return n;
}

/* "Name: value" for libcurl; refuses a name or value that would split the header. */
static int add_header(struct curl_slist **list, const char *name, const char *value, char *err, size_t errlen)
{
	if (!*name || strpbrk(name, ":\r\n \t") || strpbrk(value, "\r\n")) {
		snprintf(err, errlen, "header '%s' has a name or value with a line break, a colon or a space", name);
		return -1;
	}
	struct strbuf h = STRBUF_INIT;
	sb_printf(&h, "%s: %s", name, value);
	struct curl_slist *l = curl_slist_append(*list, sb_str(&h));
	sb_free(&h);
	if (!l) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*list = l;
	return 0;
}

/* A PEM text of the credential's TLS parts lent to libcurl (not copied:
 * wiped when the transfer ends, and never on disk). */
static void lend_pem(CURL *c, CURLoption option, const json_t *tls, const char *part)
{
	const json_t *v = json_object_get(tls, part);
	struct curl_blob blob = { (void *)json_string_value(v), json_string_length(v), CURL_BLOB_NOCOPY };
	if (json_string_length(v))
		curl_easy_setopt(c, option, &blob);
}

/* A client certificate (credential_apply.h) set on t's handle; its texts are
 * kept in t->tls until the handle is gone. */
static void apply_client_certificate(struct transfer *t, json_t *tls)
{
	t->tls = json_incref(tls);
	lend_pem(t->curl, CURLOPT_SSLCERT_BLOB, tls, "certificate");
	curl_easy_setopt(t->curl, CURLOPT_SSLCERTTYPE, "PEM");
	lend_pem(t->curl, CURLOPT_SSLKEY_BLOB, tls, "key");
	curl_easy_setopt(t->curl, CURLOPT_SSLKEYTYPE, "PEM");
	lend_pem(t->curl, CURLOPT_CAINFO_BLOB, tls, "ca");
}

/* The headers a credential adds, whose names go to secret_names; *url_out
 * gets the URL with its query parameters (caller frees); a client
 * certificate is set on t's handle. */
static int apply_credential(struct transfer *t, const struct egress_credential *cred, const char *url,
			    struct secrets *secrets, struct curl_slist **list, struct strbuf *secret_names, char **url_out,
			    char *err, size_t errlen)
{
	json_t *parts = credential_http_parts(cred, url, secrets, err, errlen), *v;
	const char *name;
	if (!parts)
		return -1;
	if (json_object_get(parts, "tls"))
		apply_client_certificate(t, json_object_get(parts, "tls"));
	json_object_foreach(json_object_get(parts, "headers"), name, v) {
		int rc = add_header(list, name, json_string_value(v), err, errlen);
		OPENSSL_cleanse((char *)json_string_value(v), json_string_length(v));
		if (rc) {
			json_decref(parts);
			return -1;
		}
		sb_printf(secret_names, "%s%s", secret_names->len ? ", " : "", name);
	}
	CURLU *u = curl_url();
	int rc = u && curl_url_set(u, CURLUPART_URL, url, CURLU_GUESS_SCHEME) == CURLUE_OK ? 0 : -1;
	json_object_foreach(json_object_get(parts, "query"), name, v) {
		struct strbuf q = STRBUF_INIT;
		sb_printf(&q, "%s=%s", name, json_string_value(v));
		rc |= curl_url_set(u, CURLUPART_QUERY, sb_str(&q), CURLU_APPENDQUERY | CURLU_URLENCODE) == CURLUE_OK ? 0 : -1;
		OPENSSL_cleanse(q.data, q.len);
		sb_free(&q);
		sb_printf(secret_names, "%squery parameter %s", secret_names->len ? ", " : "", name);
	}
	char *full = NULL;
	if (rc == 0 && curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK) {
		*url_out = xstrdup(full);
		OPENSSL_cleanse(full, strlen(full));
	} else {
		snprintf(err, errlen, "credential '%s' cannot be applied: %s is not a URL libcurl understands", cred->name, url);
		rc = -1;
	}
	curl_free(full);
	curl_url_cleanup(u);
	json_decref(parts);
	return rc;
}

/* The block's headers, then its secret headers with the values filled in;
 * the names of these go to secret_names. */
static int build_headers(const json_t *req, struct secrets *secrets, struct curl_slist **list,
                         struct strbuf *secret_names, char *err, size_t errlen)
{
	const char *name;
	json_t *v;
	json_t *headers = json_object_get(req, "headers"), *secret_headers = json_object_get(req, "secret_headers");
	if ((headers && !json_is_object(headers)) || (secret_headers && !json_is_object(secret_headers))) {
		snprintf(err, errlen, "\"headers\" and \"secret_headers\" must be objects");
		return -1;
	}
	json_object_foreach(headers, name, v) {
		if (!json_is_string(v)) {
			snprintf(err, errlen, "header '%s' must be a string", name);
			return -1;
		}
		if (add_header(list, name, json_string_value(v), err, errlen))
			return -1;
	}
	json_object_foreach(secret_headers, name, v) {
		const char *secret = json_string_value(json_object_get(v, "secret"));
		const char *prefix = json_string_value(json_object_get(v, "prefix"));
		if (!secret) {
			snprintf(err, errlen, "secret header '%s' must be {\"secret\": NAME, \"prefix\": TEXT}", name);
			return -1;
		}
		char *value = secrets_get(secrets, secret, err, errlen);
		if (!value)
			return -1;
		struct strbuf full = STRBUF_INIT;
		sb_printf(&full, "%s%s", prefix ? prefix : "", value);
		int rc = add_header(list, name, sb_str(&full), err, errlen);
		OPENSSL_cleanse(full.data, full.len);
		OPENSSL_cleanse(value, strlen(value));
		sb_free(&full);
		free(value);
		if (rc)
			return -1;
		sb_printf(secret_names, "%s%s", secret_names->len ? ", " : "", name);
	}
	return 0;
}

static json_t *body_json(const struct strbuf *body, struct secrets *secrets, const char **key)
{
	json_t *s = json_stringn(body->data ? body->data : "", body->len);
	if (s) {
		*key = "body";
		json_t *masked = secrets_mask_json(secrets, s);
		json_decref(s);
		return masked;
	}
	*key = "body_base64";
	size_t n = 4 * ((body->len + 2) / 3) + 1;
	char *b64 = xmalloc(n);
	EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)body->data, (int)body->len);
	json_t *r = json_string(b64);
	free(b64);
	return r;
}

/* How long to wait before trying again after a 429 or 503: the answer's
 * Retry-After (seconds or an HTTP date), else 1 s, 2 s, 4 s... by attempt. */
static int64_t retry_delay_ms(const json_t *headers, int attempt)
{
	const char *after = json_string_value(json_object_get(headers, "retry-after"));
	if (after && *after && strspn(after, "0123456789") == strlen(after))
		return strlen(after) > 6 ? INT64_MAX : atoll(after) * 1000;
	if (after && *after) {
		time_t when = curl_getdate(after, NULL);
		if (when != -1)
			return when > time(NULL) ? (int64_t)(when - time(NULL)) * 1000 : 0;
	}
	return 1000LL << (attempt < 10 ? attempt : 10);
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The body of the request on c: "body" as it is, "form" urlencoded (and its
 * Content-Type unless given), or "multipart" parts. */
static int set_body(CURL *c, const json_t *req, struct curl_slist **headers, curl_mime **mime, char **form,
		    char *err, size_t errlen)
{
	const json_t *body = json_object_get(req, "body"), *f = json_object_get(req, "form"),
		     *parts = json_object_get(req, "multipart");
	if (!!body + !!f + !!parts > 1) {
		snprintf(err, errlen, "send one of \"body\", \"form\" and \"multipart\", not several");
		return -1;
	}
	if (body && !json_is_string(body)) {
		snprintf(err, errlen, "\"body\" must be a string (serialize JSON with json_dumps first)");
		return -1;
	}
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)json_string_length(body));
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, json_string_value(body));
	} else if (f) {
		if (!(*form = http_form_encode(f, err, errlen)))
			return -1;
		bool typed = false;
		for (struct curl_slist *h = *headers; h; h = h->next)
			typed |= !strncasecmp(h->data, "content-type:", 13);
		if (!typed && add_header(headers, "Content-Type", "application/x-www-form-urlencoded", err, errlen))
			return -1;
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(*form));
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, *form);
	} else if (parts) {
		if (!(*mime = http_multipart(c, parts, err, errlen)))
			return -1;
		curl_easy_setopt(c, CURLOPT_MIMEPOST, *mime);
	}
	return 0;
}

/* "retry": {"max": N, "max_wait_ms": M}: how often a 429 or 503 is tried
 * again, and the longest wait the broker accepts before one. */
static int retry_limits(const json_t *req, int *max, int64_t *max_wait, char *err, size_t errlen)
{
	const json_t *r = json_object_get(req, "retry");
	json_int_t n = json_integer_value(json_object_get(r, "max")), w = json_integer_value(json_object_get(r, "max_wait_ms"));
	if (r && (!json_is_object(r) || n < 0 || n > EGRESS_MAX_RETRIES || w < 0)) {
		snprintf(err, errlen, "\"retry\" must be {\"max\": 0 to %d, \"max_wait_ms\": N}", EGRESS_MAX_RETRIES);
		return -1;
	}
	*max = (int)n;
	*max_wait = w ? w : 60000;
	return 0;
}

json_t *egress_request(const struct egress_policy *p, struct secrets *secrets, const struct egress_credential *cred,
		       const json_t *req, char *err, size_t errlen)
{
	const char *given = json_string_value(json_object_get(req, "url"));
	const char *method = json_string_value(json_object_get(req, "method"));
	int max_retries;
	int64_t max_wait, started = mono_ms();
	if (!given) {
		snprintf(err, errlen, "the request has no \"url\"");
		return NULL;
	}
	if (method && (!*method || strspn(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(method))) {
		snprintf(err, errlen, "method '%s' is not an upper-case HTTP method", method);
		return NULL;
	}
	if (retry_limits(req, &max_retries, &max_wait, err, errlen) < 0)
		return NULL;
	char *url = http_url_with_query(given, json_object_get(req, "query"), err, errlen), *form = NULL;
	if (!url)
		return NULL;
	struct transfer t = { .guard.policy = p, .body = STRBUF_INIT, .headers = json_object(), .secret_names = STRBUF_INIT };
	struct curl_slist *headers = NULL;
	char *url_with_query = NULL;
	curl_mime *mime = NULL;
	json_t *resp = NULL;
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, errlen, "curl_easy_init failed");
		goto out;
	}
	t.curl = c;
	if (build_headers(req, secrets, &headers, &t.secret_names, err, errlen) ||
	    set_body(c, req, &headers, &mime, &form, err, errlen) ||
	    (cred && apply_credential(&t, cred, url, secrets, &headers, &t.secret_names, &url_with_query, err, errlen)))
		goto out;
	curl_easy_setopt(c, CURLOPT_URL, url_with_query ? url_with_query : url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	/* A client certificate is presented in the TLS handshake, before
	 * before_request() could refuse another origin: with one, a redirect is
	 * not followed but given back as it is. */
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, t.tls ? 0L : 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)p->max_bytes);
	egress_guard(c, &t.guard);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
	curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, before_request);
	curl_easy_setopt(c, CURLOPT_PREREQDATA, &t);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "axon/" PACKAGE_VERSION);
	if (method)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	long status = 0;
	int attempt = 0;
	for (;; attempt++) {
		int64_t left = p->timeout_ms - (mono_ms() - started);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, left > 1 ? (long)left : 1L);
		sb_reset(&t.body);
		json_object_clear(t.headers);
		CURLcode rc = curl_easy_perform(c);
		if (rc != CURLE_OK) {
			if (!t.guard.refused[0] && (t.too_large || rc == CURLE_FILESIZE_EXCEEDED))
				snprintf(err, errlen, "the response body is larger than %zu bytes (http_max_bytes in axon.conf)", p->max_bytes);
			else
				egress_failure(&t.guard, rc, url, err, errlen);
			goto out;
		}
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if ((status != 429 && status != 503) || attempt >= max_retries)
			break;
		/* Waited for only if the wait is within bounds and leaves time for the answer. */
		int64_t wait = retry_delay_ms(t.headers, attempt);
		if (wait > max_wait || wait >= p->timeout_ms - (mono_ms() - started))
			break;
		sleep_ms(wait);
	}
	const char *key;
	json_t *body = body_json(&t.body, secrets, &key);
	resp = json_pack("{s:i, s:o, s:o}", "status", (int)status, "headers", secrets_mask_json(secrets, t.headers), key, body);
	if (attempt)
		json_object_set_new(resp, "retries", json_integer(attempt));
out:
	if (c)
		curl_easy_cleanup(c);
	broker_credential_free(t.tls);
	json_decref(t.headers);
	sb_free(&t.body);
	sb_free(&t.secret_names);
	free(t.origin);
	if (url_with_query) {
		OPENSSL_cleanse(url_with_query, strlen(url_with_query));
		free(url_with_query);
	}
	for (struct curl_slist *h = headers; h; h = h->next)
		OPENSSL_cleanse(h->data, strlen(h->data));
	curl_slist_free_all(headers);
	curl_mime_free(mime);
	free(url);
	free(form);
	return resp;
}
