/* PostgreSQL's form of each migration of migrations.c, the same versions:
 * a migration added there without its form here does not compile. */
#ifndef AXON_STORE_MIGRATIONS_PG_H
#define AXON_STORE_MIGRATIONS_PG_H
#include "store.h"

extern const char *const pg_migrations[STORE_SCHEMA_VERSION];

#endif
