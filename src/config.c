#include "config.h"

#include "cidr.h"
#include "store/store.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum kind { K_STRING, K_URL, K_CIDRS, K_MODE, K_INT, K_SIZE, K_DURATION, K_BOOL, K_TRISTATE, K_LOGLEVEL, K_SANDBOX };

struct key {
	const char *name;
	enum kind kind;
	size_t offset;
	size_t size;   /* for strings */
	long min, max; /* for numbers */
};

#define STR(n) { #n, K_STRING, offsetof(struct config, n), sizeof(((struct config *)0)->n), 0, 0 }
#define NUM(n, k, lo, hi) { #n, k, offsetof(struct config, n), 0, lo, hi }

static const struct key keys[] = {
	STR(listen),
	NUM(socket_mode, K_MODE, 0, 0777),
	STR(data_dir),
	STR(database),
	STR(node_name),
	STR(secret_key_file),
	STR(template_dir),
	STR(plugin_dirs),
	STR(secrets_file),
	STR(credential_key_file),
	STR(log),
	NUM(log_level, K_LOGLEVEL, 0, 0),
	STR(pid_file),
	NUM(daemonize, K_BOOL, 0, 0),
	NUM(threads, K_INT, 1, 256),
	NUM(max_body, K_SIZE, 1024, 1L << 30),
	NUM(session_ttl, K_DURATION, 60, 365L * 86400),
	NUM(secure_cookies, K_TRISTATE, 0, 0),
	NUM(login_max_failures, K_INT, 1, 1000),
	NUM(login_lockout, K_DURATION, 1, 86400),
	NUM(egress_allow_loopback, K_BOOL, 0, 0),
	NUM(egress_allow_private, K_BOOL, 0, 0),
	NUM(http_timeout, K_DURATION, 1, 3600),
	NUM(http_max_bytes, K_SIZE, 1024, 1L << 30),
	STR(egress_ca_file),
	STR(egress_test_base_url),
	STR(db_sqlite_allow),
	STR(db_sqlite_write),
	NUM(block_timeout, K_DURATION, 1, 86400),
	NUM(sandbox_workers, K_INT, 1, 1024),
	{ "sandbox_mode", K_SANDBOX, offsetof(struct config, sandbox_strict), 0, 0, 0 },
	NUM(sandbox_pool_max, K_INT, 0, 4096),
	NUM(worker_max_executions, K_INT, 1, 1000000000),
	NUM(worker_idle_timeout, K_DURATION, 1, 86400),
	NUM(worker_max_memory, K_SIZE, 1 << 20, 1L << 40),
	NUM(run_timeout, K_DURATION, 1, 7L * 86400),
	NUM(max_call_depth, K_INT, 1, 64),
	NUM(keep_runs_for, K_DURATION, 0, 3650L * 86400),
	NUM(keep_runs, K_INT, 0, 1000000000),
	{ "metrics_allow", K_CIDRS, offsetof(struct config, metrics_allow), sizeof(((struct config *)0)->metrics_allow), 0, 0 },
	STR(metrics_token_file),
	{ "public_url", K_URL, offsetof(struct config, public_url), sizeof(((struct config *)0)->public_url), 0, 0 },
	{ "trusted_proxies", K_CIDRS, offsetof(struct config, trusted_proxies), sizeof(((struct config *)0)->trusted_proxies), 0, 0 },
	NUM(max_streams, K_INT, 1, 65536),
	NUM(max_streams_per_user, K_INT, 1, 65536),
	NUM(queue_aging, K_DURATION, 1, 86400),
	NUM(run_lease, K_DURATION, 1, 3600),
	NUM(execute_runs, K_BOOL, 0, 0),
	NUM(rate_api_per_user, K_INT, 0, 1000000),
	NUM(rate_api_per_token, K_INT, 0, 1000000),
	NUM(rate_runs_per_user, K_INT, 0, 1000000),
	NUM(rate_webhook_per_hook, K_INT, 0, 1000000),
};

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->listen, sizeof c->listen, "unix:%s/axond.sock", AXON_LOCALSTATEDIR);
	c->socket_mode = 0660;
	snprintf(c->data_dir, sizeof c->data_dir, "%s", AXON_LOCALSTATEDIR);
	snprintf(c->template_dir, sizeof c->template_dir, "%s", AXON_TEMPLATEDIR);
	snprintf(c->plugin_dirs, sizeof c->plugin_dirs, "%s", AXON_PLUGINDIR);
	snprintf(c->log, sizeof c->log, "stderr");
	c->log_level = LOG_LVL_INFO;
	c->threads = 4;
	c->max_streams = 256;
	c->max_streams_per_user = 8;
	c->max_body = 1 << 20;
	c->session_ttl = 7 * 86400;
	c->secure_cookies = -1;
	c->login_max_failures = 5;
	c->login_lockout = 900;
	c->queue_aging = 30;
	c->run_lease = 30;
	c->execute_runs = true;
	c->rate_api_per_user = 1200;
	c->rate_runs_per_user = 120;
	c->rate_webhook_per_hook = 1200;
	c->http_timeout = 30;
	c->http_max_bytes = 10 << 20;
	c->block_timeout = 60;
	c->sandbox_workers = 8;
	c->sandbox_pool_max = 64;
	c->worker_max_executions = 10000;
	c->worker_idle_timeout = 300;
	c->worker_max_memory = 64 << 20;
	c->run_timeout = 3600;
	c->max_call_depth = 8;
	c->keep_runs_for = 30L * 86400;
	c->keep_runs = 10000;
	snprintf(c->metrics_allow, sizeof c->metrics_allow, "127.0.0.1 ::1");
}

static int parse_number(const char *v, long long *out, const char *suffixes, const long long *mult)
{
	errno = 0;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (end == v || errno || n < 0)
		return -1;
	if (*end) {
		const char *s = strchr(suffixes, *end);
		if (!s || end[1])
			return -1;
		long long m = mult[s - suffixes];
		if (n > LLONG_MAX / m)
			return -1;
		n *= m;
	}
	*out = n;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "0"))
		*out = false;
	else
		return -1;
	return 0;
}

int config_set(struct config *c, const char *name, const char *v, const char *where, char *err, size_t errlen)
{
	const struct key *k = NULL;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!strcmp(keys[i].name, name))
			k = &keys[i];
	if (!k) {
		snprintf(err, errlen, "%s: unknown key '%s' (see axon.conf(5) for the keys)", where, name);
		return -1;
	}
	char *field = (char *)c + k->offset;
	long long n = 0;
	static const long long size_mult[] = { 1024, 1024 * 1024, 1024LL * 1024 * 1024 };
	static const long long dur_mult[] = { 1, 60, 3600, 86400 };
	switch (k->kind) {
	case K_URL: {
		size_t len = strlen(v);
		while (len && v[len - 1] == '/')
			len--;
		if (len && ((strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) || strpbrk(v, " \t\"'<>?#") ||
			    len <= (size_t)(v[4] == 's' ? 8 : 7))) {
			snprintf(err, errlen, "%s: bad value for '%s': write the address people reach Axon at, such as "
				 "https://axon.example.org or https://example.org/axon (no query, no fragment)", where, name);
			return -1;
		}
		if (len >= k->size) {
			snprintf(err, errlen, "%s: value of '%s' is too long (at most %zu characters)", where, name, k->size - 1);
			return -1;
		}
		memcpy(field, v, len);
		field[len] = '\0';
		return 0;
	}
	case K_STRING:
		if (strlen(v) >= k->size) {
			snprintf(err, errlen, "%s: value of '%s' is too long (at most %zu characters)", where, name, k->size - 1);
			return -1;
		}
		memcpy(field, v, strlen(v) + 1);
		return 0;
	case K_CIDRS: {
		struct cidr ranges[CONFIG_CIDRS_MAX];
		char why[200];
		if (strlen(v) >= k->size || cidr_parse_list(v, ranges, CONFIG_CIDRS_MAX, why, sizeof why) < 0) {
			snprintf(err, errlen, "%s: bad value for '%s': %s", where, name,
				 strlen(v) >= k->size ? "the list is too long" : why);
			return -1;
		}
		memcpy(field, v, strlen(v) + 1);
		return 0;
	}
	case K_BOOL:
		if (parse_bool(v, (bool *)field) < 0)
			goto bad;
		return 0;
	case K_TRISTATE: {
		bool b;
		if (!strcmp(v, "auto"))
			*(int *)field = -1;
		else if (parse_bool(v, &b) == 0)
			*(int *)field = b;
		else
			goto bad;
		return 0;
	}
	case K_LOGLEVEL:
		if (log_level_parse(v, (enum log_level *)field) < 0)
			goto bad;
		return 0;
	case K_SANDBOX:
		if (strcmp(v, "warm") && strcmp(v, "strict"))
			goto bad;
		*(bool *)field = !strcmp(v, "strict");
		return 0;
	case K_MODE: {
		char *end;
		errno = 0;
		unsigned long m = strtoul(v, &end, 8);
		if (!*v || *end || errno || m > (unsigned long)k->max)
			goto bad;
		*(unsigned *)field = (unsigned)m;
		return 0;
	}
	case K_INT:
		if (parse_number(v, &n, "", NULL) < 0)
			goto bad;
		break;
	case K_SIZE:
		if (parse_number(v, &n, "KMG", size_mult) < 0)
			goto bad;
		break;
	case K_DURATION:
		if (parse_number(v, &n, "smhd", dur_mult) < 0)
			goto bad;
		break;
	}
	if (n < k->min || n > k->max) {
		snprintf(err, errlen, "%s: '%s' must be between %ld and %ld, not %s", where, name, k->min, k->max, v);
		return -1;
	}
	if (k->kind == K_INT)
		*(int *)field = (int)n;
	else if (k->kind == K_SIZE)
		*(size_t *)field = (size_t)n;
	else
		*(long *)field = (long)n;
	return 0;
bad:;
	static const char *const expect[] = {
		[K_MODE] = "an octal mode such as 0660",
		[K_INT] = "a whole number",
		[K_SIZE] = "a size such as 512K, 1M or 1048576",
		[K_DURATION] = "a duration such as 30s, 15m, 12h or 7d",
		[K_BOOL] = "yes or no",
		[K_TRISTATE] = "auto, yes or no",
		[K_LOGLEVEL] = "debug, info, warn or error",
		[K_SANDBOX] = "warm or strict",
	};
	snprintf(err, errlen, "%s: bad value '%s' for '%s': expected %s", where, v, name, expect[k->kind]);
	return -1;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	char line[4096];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char where[1200];
		snprintf(where, sizeof where, "%s:%d", path, lineno);
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s: line is too long (at most %zu characters)", where, sizeof line - 2);
			rc = -1;
			break;
		}
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s: expected 'key = value', got '%s'", where, s);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		if (config_set(c, key, value, where, err, errlen) < 0) {
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

int config_finish(struct config *c, char *err, size_t errlen)
{
	if (!c->node_name[0] && gethostname(c->node_name, sizeof c->node_name) < 0)
		snprintf(c->node_name, sizeof c->node_name, "axond");
	c->node_name[sizeof c->node_name - 1] = '\0';
	if (!c->database[0])
		snprintf(c->database, sizeof c->database, "%.1000s/axon.db", c->data_dir);
	if (!c->secret_key_file[0])
		snprintf(c->secret_key_file, sizeof c->secret_key_file, "%.1000s/secret.key", c->data_dir);
	if (!c->secrets_file[0])
		snprintf(c->secrets_file, sizeof c->secrets_file, "%.1000s/secrets.json", c->data_dir);
	if (!c->credential_key_file[0])
		snprintf(c->credential_key_file, sizeof c->credential_key_file, "%.1000s/credential.key", c->data_dir);
	if (!c->execute_runs && !store_path_is_postgresql(c->database)) {
		snprintf(err, errlen, "execute_runs = no makes a front node, which leaves its runs to the other nodes "
			 "sharing its PostgreSQL database; with a SQLite database (%.300s) nobody would run them: "
			 "set a postgresql:// database or remove the line", c->database);
		return -1;
	}
	return 0;
}
