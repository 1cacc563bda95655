/* SQL for blocks: one parameterized statement against PostgreSQL with
 * libpq, the connection made by the daemon under the egress policy (the
 * host's addresses checked, then libpq sent to the address checked) with the
 * account the broker applied; the block sends the statement and its
 * parameters, never a connection. Rows come back as JSON with their types
 * kept. */
#ifndef AXON_BROKER_POSTGRES_H
#define AXON_BROKER_POSTGRES_H
#include <stddef.h>

#include <jansson.h>

struct egress_policy;

/* account: a postgres credential's fields {"host", "port", "database", "user", "password", "sslmode"};
 * query: {"statement", "params": [...], "max_rows", "timeout_ms"}. Returns
 * {"rows": [{column: value}], "count", "more", "command", "affected"}, or
 * NULL with the server's or the policy's reason in err. */
json_t *pg_query(const struct egress_policy *p, const json_t *account, const json_t *query, char *err, size_t errlen);

#endif
