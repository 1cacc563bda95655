/* SQL for blocks against a SQLite file the operator allows in axon.conf
 * (db_sqlite_allow: files or directories, read-only; db_sqlite_write: those
 * that may also be changed). The daemon opens the file, never creates one,
 * and runs one statement with its parameters bound; ATTACH is refused, so a
 * statement reaches no other file. Rows come back as JSON with their types
 * kept, within the query's row and time limits. */
#ifndef AXON_BROKER_SQLITE_QUERY_H
#define AXON_BROKER_SQLITE_QUERY_H
#include <stddef.h>

#include <jansson.h>

struct egress_policy;

/* query: {"sqlite": "/path/to/file.db", "statement", "params": [...],
 * "max_rows", "timeout_ms"}. Returns {"rows": [{column: value}], "count",
 * "more", "command", "affected"} (affected for a statement that changes
 * rows), or NULL with the reason in err. */
json_t *sqlite_query(const struct egress_policy *p, const json_t *query, char *err, size_t errlen);

#endif
