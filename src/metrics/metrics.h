/* The daemon's counters for /metrics (Prometheus text format 0.0.4): what
 * happened since start, counted in memory where it happens, without a lock
 * (label_table.h). Labels are bounded: a route pattern, never a path; a
 * workflow id, never a run id; a block type. The figures read at scrape time
 * (queue, database, process) are added by the page that serves them. */
#ifndef AXON_METRICS_H
#define AXON_METRICS_H
#include <stdint.h>

#include "strbuf.h"

/* route is the matched pattern ("/runs/:id"), NULL when none matched. */
void metrics_http_request(const char *method, const char *route, int status, double seconds);
/* status: "succeeded", "failed" or "cancelled"; workflow_id 0 for a run of a
 * definition that is not stored. */
void metrics_run_finished(int64_t workflow_id, const char *status, double seconds);
/* One execution of a block in the sandbox; outcome is an enum run_outcome. */
void metrics_block_execution(const char *block_type, int outcome, double seconds);

/* The tokens one language model call used, by its provider's origin
 * ("https://api.openai.com:443"): the providers axon.conf's credentials name. */
void metrics_llm_tokens(const char *provider, long long tokens_in, long long tokens_out);
/* An OAuth 2.0 credential whose tokens could not be renewed (it needs reconnecting). */
void metrics_credential_refresh_failed(void);

/* Appends every counted family, with its HELP and TYPE lines. */
void metrics_render(struct strbuf *out);
/* Appends axon_node_info{node="..."} 1: which node answered. */
void metrics_node(struct strbuf *out, const char *node);
/* Appends one sample without labels, with its HELP and TYPE lines; type is
 * "gauge" or "counter". */
void metrics_sample(struct strbuf *out, const char *name, const char *type, const char *help, double value);

#endif
