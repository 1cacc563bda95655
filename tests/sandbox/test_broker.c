/* The broker's side: the egress policy on every kind of address, and secret
 * values masked in a block's log, outputs and error. */
#include "build-config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../testlib.h"
#include "hostile_sandbox.h"
#include "config.h"
#include "log.h"
#include "sandbox/egress.h"
#include "sandbox/sandbox.h"
#include "sandbox/secrets.h"

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
	struct egress_policy strict = { false, false, 1000, 1024 }, loop = { true, false, 1000, 1024 },
	                     priv = { false, true, 1000, 1024 };
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

int main(void)
{
	char dir[] = "axon-test-broker-XXXXXX"; /* in the build directory */
	log_open("stderr", LOG_LVL_ERROR);
	egress();
	if (mkdtemp(dir)) {
		masking(dir);
		rmdir(dir);
	} else {
		CHECK(!"mkdtemp");
	}
	return t_done("test_broker");
}
