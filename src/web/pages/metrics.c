/* /metrics: the Prometheus text format, for an address in metrics_allow or a
 * scraper that sends the token of metrics_token_file. A token file rather
 * than an API token with a scope: API tokens belong to a person and carry
 * that person's role, whereas a scraper is a machine that should read
 * figures and nothing else; a file is what Prometheus itself reads its
 * credentials from (authorization: credentials_file), and it is read at each
 * scrape, so a token is rotated by rewriting the file. */
#include <stdio.h>
#include <string.h>

#include "cidr.h"
#include "crypto.h"
#include "engine/engine.h"
#include "log.h"
#include "metrics/metrics.h"
#include "metrics/process.h"
#include "sandbox/sandbox.h"
#include "web/pages/pages.h"

/* 1 when the request carries the token of metrics_token_file, 0 when it
 * carries none, -1 when it carries another. */
static int bearer_check(struct request *r)
{
	const char *auth = req_param(r, "HTTP_AUTHORIZATION");
	if (strncmp(auth, "Bearer ", 7) != 0)
		return 0;
	const char *path = r->app->cfg.metrics_token_file;
	char token[512] = "";
	FILE *f = *path ? fopen(path, "re") : NULL;
	if (*path && !f)
		log_warn("metrics_token_file %s cannot be read: %m", path);
	if (f) {
		if (!fgets(token, sizeof token, f))
			token[0] = '\0';
		fclose(f);
		token[strcspn(token, "\r\n")] = '\0';
	}
	return token[0] && crypto_equal(token, auth + 7) ? 1 : -1;
}

static bool address_allowed(struct request *r)
{
	struct cidr ranges[CONFIG_CIDRS_MAX];
	char err[200];
	int n = cidr_parse_list(r->app->cfg.metrics_allow, ranges, CONFIG_CIDRS_MAX, err, sizeof err);
	return n > 0 && cidr_match(ranges, (size_t)n, r->remote_addr);
}

static void render_engine(struct request *r, struct strbuf *out)
{
	struct engine_load load = { 0 };
	if (r->app->engine)
		engine_load(r->app->engine, &load);
	metrics_sample(out, "axon_engine_queue_depth", "gauge",
		       "Runs handed to the engine and not yet loaded by a worker.", (double)load.queued);
	metrics_sample(out, "axon_engine_workers_busy", "gauge", "Engine workers running a block now.",
		       (double)load.workers_busy);
	metrics_sample(out, "axon_engine_workers", "gauge", "Engine workers (sandbox_workers).", (double)load.workers);
	json_t *h = sandbox_health(r->app->sandbox);
	metrics_sample(out, "axon_zygote_restarts_total", "counter", "Times the sandbox's zygote died and was started again.",
		       (double)json_integer_value(json_object_get(h, "zygote_restarts")));
	metrics_sample(out, "axon_sandbox_workers_idle", "gauge", "Warm sandbox workers waiting for an execution.",
		       (double)json_integer_value(json_object_get(h, "workers_idle")));
	json_decref(h);
}

static int render_store(struct request *r, struct strbuf *out)
{
	int64_t queued, running;
	struct store_disk disk;
	int rc = store_run_backlog(r->st, &queued, &running);
	if (rc == STORE_OK)
		rc = store_disk_usage(r->st, &disk);
	if (rc != STORE_OK)
		return rc;
	metrics_sample(out, "axon_runs_waiting", "gauge", "Runs queued in the database, not started.", (double)queued);
	metrics_sample(out, "axon_runs_running", "gauge", "Runs started and not ended, in the database.", (double)running);
	metrics_sample(out, "axon_database_size_bytes", "gauge", "Size of the database: the SQLite file, or PostgreSQL's database.", (double)disk.file_bytes);
	metrics_sample(out, "axon_database_wal_size_bytes", "gauge", "Size of the database's write-ahead log.",
		       (double)disk.wal_bytes);
	metrics_sample(out, "axon_database_free_pages", "gauge",
		       "Pages of the database file that are free (given back by the next incremental vacuum).",
		       (double)disk.free_pages);
	metrics_sample(out, "axon_database_free_bytes", "gauge", "Bytes of those free pages.", (double)disk.free_bytes);
	return STORE_OK;
}

void metrics_get(struct request *r)
{
	int token = bearer_check(r);
	if (token < 0) {
		req_add_header(r, "WWW-Authenticate: Bearer");
		reply_error(r, 401, "This token does not open /metrics: send the token of metrics_token_file.", NULL);
		return;
	}
	if (!token && !address_allowed(r)) {
		char msg[200];
		snprintf(msg, sizeof msg, "Address %.64s may not read /metrics: add it to metrics_allow in axon.conf, "
			 "or send the token of metrics_token_file.", r->remote_addr);
		reply_error(r, 403, msg, NULL);
		return;
	}
	struct strbuf out = STRBUF_INIT;
	metrics_node(&out, r->app->cfg.node_name);
	metrics_render(&out);
	render_engine(r, &out);
	int rc = render_store(r, &out);
	metrics_render_process(&out);
	if (rc != STORE_OK)
		reply_store_error(r, rc, NULL);
	else
		reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", out.data, out.len);
	sb_free(&out);
}
