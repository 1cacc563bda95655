/* axon.conf parsing: good files, and every kind of bad line refused with file:line. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "testlib.h"

static char path[] = "/tmp/axon-test-conf-XXXXXX";

static int load(struct config *c, const char *text, char *err, size_t len)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	config_defaults(c);
	return config_load(c, path, err, len);
}

int main(void)
{
	struct config c;
	char err[1400];
	int fd = mkstemp(path);
	close(fd);

	CHECK(load(&c, "# comment\n\nlisten = unix:/run/axon/axond.sock\nthreads=8\nmax_body = 2M\n"
		       "session_ttl = 12h\nsocket_mode = 0600\ndaemonize = yes\nsecure_cookies = auto\n"
		       "log_level = debug\negress_allow_loopback = no\n", err, sizeof err) == 0);
	CHECK_STR(c.listen, "unix:/run/axon/axond.sock");
	CHECK(c.threads == 8);
	CHECK(c.max_body == 2u << 20);
	CHECK(c.session_ttl == 12 * 3600);
	CHECK(c.socket_mode == 0600);
	CHECK(c.daemonize);
	CHECK(c.secure_cookies == -1);
	CHECK(c.log_level == LOG_LVL_DEBUG);

	CHECK(load(&c, "threads = 4\nbogus = 1\n", err, sizeof err) < 0);
	CHECK_CONTAINS(err, ":2: unknown key 'bogus'");
	CHECK(load(&c, "public_url = https://example.org/axon/\n", err, sizeof err) == 0);
	CHECK_STR(c.public_url, "https://example.org/axon");
	CHECK(load(&c, "public_url = example.org\n", err, sizeof err) < 0);
	CHECK_CONTAINS(err, "write the address people reach Axon at");
	CHECK(load(&c, "public_url = https://\n", err, sizeof err) < 0);
	CHECK(load(&c, "public_url = https://a.org/?x=1\n", err, sizeof err) < 0);
	CHECK(load(&c, "trusted_proxies = 10.0.0.0/8\n", err, sizeof err) == 0);
	CHECK(load(&c, "metrics_allow = 10.0.0.0/8, ::1\n", err, sizeof err) == 0);
	CHECK_STR(c.metrics_allow, "10.0.0.0/8, ::1");
	CHECK(load(&c, "metrics_allow = 10.0.0.0/8 prometheus.lan\n", err, sizeof err) < 0);
	CHECK_CONTAINS(err, ":1: bad value for 'metrics_allow': 'prometheus.lan' is not an address");
	CHECK(load(&c, "threads = many\n", err, sizeof err) < 0);
	CHECK_CONTAINS(err, ":1: bad value 'many' for 'threads': expected a whole number");
	CHECK(load(&c, "threads = 0\n", err, sizeof err) < 0);
	CHECK_CONTAINS(err, "'threads' must be between 1 and 256");
	CHECK(load(&c, "max_body = 2X\n", err, sizeof err) < 0);
	CHECK_CONTAINS(err, "expected a size");
	CHECK(load(&c, "session_ttl = -5\n", err, sizeof err) < 0);
	CHECK(load(&c, "daemonize = perhaps\n", err, sizeof err) < 0);
	CHECK_CONTAINS(err, "expected yes or no");
	CHECK(load(&c, "socket_mode = 0999\n", err, sizeof err) < 0);
	CHECK(load(&c, "just words\n", err, sizeof err) < 0);
	CHECK_CONTAINS(err, ":1: expected 'key = value'");
	CHECK(load(&c, "max_body = 99999999999999999999G\n", err, sizeof err) < 0);

	config_defaults(&c);
	CHECK(config_load(&c, "/nonexistent/axon.conf", err, sizeof err) < 0);
	CHECK_CONTAINS(err, "/nonexistent/axon.conf: cannot open");

	config_defaults(&c);
	CHECK(config_set(&c, "data_dir", "/srv/axon", "option --data-dir", err, sizeof err) == 0);
	CHECK(config_finish(&c, err, sizeof err) == 0);
	CHECK_STR(c.database, "/srv/axon/axon.db");
	CHECK_STR(c.secret_key_file, "/srv/axon/secret.key");

	/* A front node leaves its runs to others: only with a shared database. */
	CHECK(config_set(&c, "execute_runs", "no", "option --execute-runs", err, sizeof err) == 0);
	CHECK(config_finish(&c, err, sizeof err) < 0);
	CHECK_CONTAINS(err, "nobody would run them");
	CHECK(config_set(&c, "database", "postgresql://axon@db/axon", "option --database", err, sizeof err) == 0);
	CHECK(config_finish(&c, err, sizeof err) == 0);
	unlink(path);
	return t_done("config");
}
