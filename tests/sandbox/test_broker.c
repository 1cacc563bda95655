/* The broker's side: the egress policy on every kind of address, secret
 * values masked in a block's log, outputs and error, secret headers never
 * sent across a redirect to another origin, and the response size limit
 * (http_max_bytes), against the local servers of http_server.py. */
#include "build-config.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include "../testlib.h"
#include "hostile_sandbox.h"
#include "http_server.h"
#include "config.h"
#include "log.h"
#include "broker/egress.h"
#include "sandbox/sandbox.h"
#include "broker/secrets.h"
#include "strbuf.h"

static char err[400];

static int check_addr(const struct egress_policy *p, const char *text)
{
	struct sockaddr_storage ss = { 0 };
	if (inet_pton(AF_INET, text, &((struct sockaddr_in *)&ss)->sin_addr) == 1)
		ss.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, text, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1)
		ss.ss_family = AF_INET6;
	err[0] = '\0';
	return egress_check_address(p, (struct sockaddr *)&ss, err, sizeof err);
}

static void egress(void)
{
	struct egress_policy strict = { false, false, 1000, 1024, "", "", "", "" }, loop = { true, false, 1000, 1024, "", "", "", "" },
	                     priv = { false, true, 1000, 1024, "", "", "", "" };
	static const char *const public[] = { "93.184.216.34", "8.8.8.8", "2606:4700::1111", "172.32.0.1", "100.128.0.1" };
	static const char *const loopback[] = { "127.0.0.1", "127.1.2.3", "0.0.0.0", "::1", "::", "::ffff:127.0.0.1" };
	static const char *const private[] = { "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1",
		"169.254.169.254", "fe80::1", "fd00::1", "::ffff:10.0.0.1" };
	for (size_t i = 0; i < sizeof public / sizeof public[0]; i++)
		CHECK(check_addr(&strict, public[i]) == 0);
	for (size_t i = 0; i < sizeof loopback / sizeof loopback[0]; i++) {
		CHECK(check_addr(&strict, loopback[i]) < 0);
		CHECK_CONTAINS(err, "loopback address (set egress_allow_loopback = yes");
		CHECK(check_addr(&loop, loopback[i]) == 0);
		CHECK(check_addr(&priv, loopback[i]) < 0);
	}
	for (size_t i = 0; i < sizeof private / sizeof private[0]; i++) {
		CHECK(check_addr(&strict, private[i]) < 0);
		CHECK_CONTAINS(err, "private or link-local");
		CHECK(check_addr(&loop, private[i]) < 0);
		CHECK(check_addr(&priv, private[i]) == 0);
	}
	CHECK(check_addr(&priv, "224.0.0.1") < 0);
	CHECK_CONTAINS(err, "not a unicast address");
	CHECK(check_addr(&priv, "ff02::1") < 0);
}

static void masking(const char *dir)
{
	char path[512];
	snprintf(path, sizeof path, "%s/secrets.json", dir);
	FILE *f = fopen(path, "w");
	fputs("{\"token\": \"hunter2-secret\", \"short\": \"ab\"}", f);
	fclose(f);
	chmod(path, 0600);

	struct secrets *s = secrets_open(path);
	char *m = secrets_mask(s, "a hunter2-secret and ab, hunter2-secrethunter2-secret");
	CHECK_STR(m, "a **** and ab, ********");
	free(m);
	CHECK(secrets_get(s, "nope", err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "no secret named 'nope'");
	secrets_close(s);
	s = secrets_open("");
	CHECK(secrets_get(s, "token", err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "set secrets_file in axon.conf");
	secrets_close(s);

	struct config c;
	hostile_config(&c);
	snprintf(c.secrets_file, sizeof c.secrets_file, "%s", path);
	struct sandbox *sb = start_hostile_sandbox(&c);
	CHECK(sb != NULL);
	if (!sb)
		return;
	struct run_result r;
	sandbox_run(sb, "hostile.leak_secret", NULL, NULL, NULL, &r);
	CHECK(r.outcome == RUN_OK);
	CHECK_STR(json_string_value(json_object_get(json_object_get(r.outputs, "out"), "leak")), "****");
	CHECK_STR(json_string_value(json_object_get(json_array_get(r.logs, 0), "message")), "the token is ****");
	run_result_free(&r);
	json_t *in = json_pack("{s:b}", "in", 1);
	sandbox_run(sb, "hostile.leak_secret", NULL, in, NULL, &r);
	json_decref(in);
	CHECK(r.outcome == RUN_ERROR);
	CHECK_STR(r.message, "failing with ****");
	run_result_free(&r);
	sandbox_stop(sb);
	unlink(path);
}

/* GET url with the given secret headers (JSON, or NULL); the response or
 * NULL with err set. */
static json_t *get(const struct egress_policy *p, struct secrets *s, const char *url, const char *secret_headers)
{
	json_t *req = json_pack("{s:s}", "url", url);
	if (secret_headers)
		json_object_set_new(req, "secret_headers", json_loads(secret_headers, 0, NULL));
	err[0] = '\0';
	json_t *resp = egress_request(p, s, NULL, req, err, sizeof err);
	json_decref(req);
	return resp;
}

/* What a server received, read without any secret known, so unmasked. */
static char *seen(const struct egress_policy *p, int port)
{
	char url[128];
	struct secrets *none = secrets_open("");
	snprintf(url, sizeof url, "http://127.0.0.1:%d/seen", port);
	json_t *resp = get(p, none, url, NULL);
	secrets_close(none);
	char *body = xstrdup(resp ? json_string_value(json_object_get(resp, "body")) : "(no answer)");
	json_decref(resp);
	return body;
}

#define API_KEY "{\"X-Api-Key\": {\"secret\": \"api\"}}"

/* libcurl drops Authorization on a redirect to another host, but keeps any
 * other header: a secret the broker put into X-Api-Key must not follow a
 * redirect to another host or port, and must still follow one to its own
 * origin. */
static void redirects(const char *secrets_path, int port, int other)
{
	struct egress_policy p = { true, false, 5000, 1 << 20, "", "", "", "" };
	struct secrets *s = secrets_open(secrets_path);
	char url[512], want[256];
	json_t *resp;

	/* Another host name, the same port. */
	snprintf(url, sizeof url, "http://127.0.0.1:%d/redirect?to=http://localhost:%d/landing-host", port, port);
	resp = get(&p, s, url, API_KEY);
	CHECK(resp == NULL);
	snprintf(want, sizeof want, "redirect refused: http://localhost:%d is not the origin the request was made for "
	         "(http://127.0.0.1:%d), and its secret headers (X-Api-Key) are never sent to another origin", port, port);
	CHECK_CONTAINS(err, want);
	json_decref(resp);

	/* Another port, with a 307 (which keeps the method and body). */
	snprintf(url, sizeof url, "http://127.0.0.1:%d/redirect?status=307&to=http://127.0.0.1:%d/landing-port", port, other);
	resp = get(&p, s, url, API_KEY);
	CHECK(resp == NULL);
	snprintf(want, sizeof want, "redirect refused: http://127.0.0.1:%d is not the origin", other);
	CHECK_CONTAINS(err, want);
	json_decref(resp);

	/* Another scheme: refused before any connection would be tried. */
	snprintf(url, sizeof url, "http://127.0.0.1:%d/redirect?to=https://127.0.0.1:%d/landing-tls", port, port);
	resp = get(&p, s, url, API_KEY);
	CHECK(resp == NULL);
	CHECK(strstr(err, "redirect refused") || strstr(err, "SSL") || strstr(err, "TLS"));
	json_decref(resp);

	/* The same origin, by a relative redirect: followed, the header sent. */
	snprintf(url, sizeof url, "http://127.0.0.1:%d/redirect?to=/seen", port);
	resp = get(&p, s, url, API_KEY);
	CHECK(resp != NULL);
	CHECK(json_integer_value(json_object_get(resp, "status")) == 200);
	CHECK_CONTAINS(json_string_value(json_object_get(resp, "body")), "/seen X-Api-Key: ****");
	json_decref(resp);

	/* A URL without a scheme is http, its origin too. */
	snprintf(url, sizeof url, "127.0.0.1:%d/redirect?to=/seen", port);
	resp = get(&p, s, url, API_KEY);
	CHECK(resp != NULL);
	if (!resp)
		fprintf(stderr, "no scheme: %s\n", err);
	CHECK_CONTAINS(json_string_value(json_object_get(resp, "body")), "/seen X-Api-Key: ****");
	json_decref(resp);

	/* Without secret headers a redirect anywhere is followed as before. */
	snprintf(url, sizeof url, "http://127.0.0.1:%d/redirect?to=http://127.0.0.1:%d/hello", port, other);
	resp = get(&p, s, url, NULL);
	CHECK(resp != NULL);
	CHECK_STR(json_string_value(json_object_get(resp, "body")), "hello\n");
	json_decref(resp);

	/* What the servers received: the secret on the first one's own path only. */
	char *mine = seen(&p, port), *theirs = seen(&p, other);
	CHECK_CONTAINS(mine, "/seen X-Api-Key: k3y-s3cr3t-value");
	CHECK(strstr(mine, "landing") == NULL);
	CHECK(strstr(theirs, "k3y-s3cr3t-value") == NULL);
	CHECK(strstr(theirs, "landing") == NULL);
	if (strstr(mine, "landing") || strstr(theirs, "k3y"))
		fprintf(stderr, "the servers saw:\n%s---\n%s", mine, theirs);
	free(mine);
	free(theirs);
	secrets_close(s);
}

/* http_max_bytes: a body over it fails, with or without a Content-Length,
 * and one of exactly that size passes. */
static void max_bytes(int port)
{
	struct egress_policy p = { true, false, 5000, 1000, "", "", "", "" };
	struct secrets *none = secrets_open("");
	char url[256];
	json_t *resp;
	snprintf(url, sizeof url, "http://127.0.0.1:%d/bytes?n=1000", port);
	resp = get(&p, none, url, NULL);
	CHECK(resp != NULL);
	CHECK(json_string_length(json_object_get(resp, "body")) == 1000);
	json_decref(resp);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/bytes?n=1001", port);
	resp = get(&p, none, url, NULL);
	CHECK(resp == NULL);
	CHECK_STR(err, "the response body is larger than 1000 bytes (http_max_bytes in axon.conf)");
	json_decref(resp);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/bytes?n=100000&stream=1", port);
	resp = get(&p, none, url, NULL);
	CHECK(resp == NULL);
	CHECK_STR(err, "the response body is larger than 1000 bytes (http_max_bytes in axon.conf)");
	json_decref(resp);
	secrets_close(none);
}

/* The same two through a block in the sandbox, as axond runs it: the limits
 * come from the configuration, the error reaches the block and its run. */
static void through_sandbox(const char *secrets_path, int port, int other)
{
	const char *top = getenv("top_builddir");
	struct config c;
	config_defaults(&c);
	snprintf(c.plugin_dirs, sizeof c.plugin_dirs, "%s/plugins/.libs/net.so", top ? top : ".");
	snprintf(c.secrets_file, sizeof c.secrets_file, "%s", secrets_path);
	c.egress_allow_loopback = true;
	c.http_max_bytes = 2048;
	struct sandbox *sb = start_hostile_sandbox(&c);
	CHECK(sb != NULL);
	if (!sb)
		return;
	char url[512];
	struct run_result r;
	snprintf(url, sizeof url, "http://127.0.0.1:%d/bytes?n=4096", port);
	json_t *cfg = json_pack("{s:s}", "url", url);
	sandbox_run(sb, "http.request", cfg, NULL, NULL, &r);
	json_decref(cfg);
	CHECK(r.outcome == RUN_ERROR);
	CHECK_CONTAINS(r.message, "larger than 2048 bytes (http_max_bytes in axon.conf)");
	run_result_free(&r);

	snprintf(url, sizeof url, "http://127.0.0.1:%d/redirect?to=http://127.0.0.1:%d/landing-block", port, other);
	cfg = json_pack("{s:s, s:o}", "url", url, "secret_headers", json_loads(API_KEY, 0, NULL));
	sandbox_run(sb, "http.request", cfg, NULL, NULL, &r);
	json_decref(cfg);
	CHECK(r.outcome == RUN_ERROR);
	CHECK_CONTAINS(r.message, "redirect refused");
	CHECK_CONTAINS(r.message, "secret headers (X-Api-Key)");
	run_result_free(&r);
	sandbox_stop(sb);

	struct egress_policy p = { true, false, 5000, 1 << 20, "", "", "", "" };
	char *theirs = seen(&p, other);
	CHECK(strstr(theirs, "landing-block") == NULL);
	free(theirs);
}

static void http(const char *dir)
{
	char path[512];
	int port, other;
	snprintf(path, sizeof path, "%s/api-secrets.json", dir);
	FILE *f = fopen(path, "w");
	fputs("{\"api\": \"k3y-s3cr3t-value\"}", f);
	fclose(f);
	chmod(path, 0600);
	pid_t a = start_server(&port), b = start_server(&other);
	CHECK(port > 0 && other > 0);
	if (port > 0 && other > 0) {
		redirects(path, port, other);
		max_bytes(port);
		through_sandbox(path, port, other);
	}
	stop_server(a);
	stop_server(b);
	unlink(path);
}

int main(void)
{
	char dir[] = "axon-test-broker-XXXXXX"; /* in the build directory */
	log_open("stderr", LOG_LVL_ERROR);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	egress();
	if (mkdtemp(dir)) {
		masking(dir);
		http(dir);
		rmdir(dir);
	} else {
		CHECK(!"mkdtemp");
	}
	return t_done("test_broker");
}
