/* axon.conf: "key = value" lines, '#' comments. Documented in axon.conf(5).
 * An unknown key or a bad value is refused with the file, the line and the reason. */
#ifndef AXON_CONFIG_H
#define AXON_CONFIG_H
#include <stdbool.h>
#include <stddef.h>

#include "log.h"

#define CONFIG_CIDRS_MAX 32 /* address ranges in metrics_allow */

struct config {
	char listen[512];          /* "unix:/path/axond.sock" or "127.0.0.1:9000" */
	unsigned socket_mode;      /* permissions of the unix socket */
	char data_dir[1024];
	char database[1024];       /* default: data_dir/axon.db */
	char node_name[64];        /* this axond among several: default, the host name */
	char secret_key_file[1024];/* default: data_dir/secret.key */
	char template_dir[1024];
	char plugin_dirs[2048];    /* ':'-separated */
	char secrets_file[1024];   /* default: data_dir/secrets.json */
	char credential_key_file[1024]; /* default: data_dir/credential.key */
	char log[1024];            /* "stderr", "syslog" or a file */
	enum log_level log_level;
	char pid_file[1024];
	bool daemonize;
	int threads;
	int max_streams;           /* live event streams open at once */
	int max_streams_per_user;
	size_t max_body;           /* bytes */
	long session_ttl;          /* seconds */
	int secure_cookies;        /* -1 auto (HTTPS param), 0 no, 1 yes */
	int login_max_failures;
	long login_lockout;        /* seconds */
	bool egress_allow_loopback;
	bool egress_allow_private;
	long http_timeout;         /* seconds, for the broker's HTTP requests */
	size_t http_max_bytes;
	char egress_ca_file[1024]; /* PEM certificates the broker trusts besides the system's, or "" */
	char egress_test_base_url[256]; /* tests only: where fixed service APIs (slack.com...) are reached */
	char db_sqlite_allow[2048]; /* SQLite files (or directories of them) db.query may read, separated by spaces */
	char db_sqlite_write[2048]; /* those of them it may also change */
	long block_timeout;        /* default wall-clock limit of one block run, seconds */
	int sandbox_workers;       /* block runs at once: the engine's workers */
	bool sandbox_strict;       /* sandbox_mode = strict: a fresh process per execution */
	int sandbox_pool_max;      /* warm workers kept, idle and busy */
	int worker_max_executions; /* a warm worker retires after this many */
	long worker_idle_timeout;  /* seconds idle before a warm worker retires */
	size_t worker_max_memory;  /* resident bytes past which a warm worker retires */
	long run_timeout;          /* seconds, a run's limit unless its workflow sets one */
	int max_call_depth;        /* flow.call nesting */
	long keep_runs_for;        /* seconds; 0: forever */
	int keep_runs;             /* finished runs kept per workflow; 0: no limit */
	char metrics_allow[512];   /* address ranges that may read /metrics (cidr.h) */
	char metrics_token_file[1024]; /* a bearer token that may read /metrics from anywhere; "" none */
	char public_url[512];      /* "https://axon.example.org": the address people reach Axon at; "" the request's */
	char trusted_proxies[512]; /* address ranges whose X-Forwarded-Host and -Proto are believed (cidr.h) */
	long queue_aging;          /* seconds a queued run waits per priority step before it goes first */
	long run_lease;            /* seconds a node holds a run without renewing (several nodes) */
	bool execute_runs;         /* false: a front node, which queues runs for the others to execute */
	/* Rate limits, each a number a minute (0: none), as token buckets that
	 * hold a minute's worth: JSON API requests per user and per API token,
	 * runs started per user, deliveries per webhook. */
	int rate_api_per_user;
	int rate_api_per_token;
	int rate_runs_per_user;
	int rate_webhook_per_hook;
};

void config_defaults(struct config *c);
/* Reads path over the current values. On error returns -1 and writes
 * "FILE:LINE: reason" into err. */
int config_load(struct config *c, const char *path, char *err, size_t errlen);
/* Sets one key as if read from a file; "where" names the source in errors. */
int config_set(struct config *c, const char *key, const char *value, const char *where, char *err, size_t errlen);
/* Fills paths that default to data_dir and checks the keys that go
 * together; on error returns -1 with the reason in err. */
int config_finish(struct config *c, char *err, size_t errlen);

#endif
