/* Several axond on one PostgreSQL database: a node works on a run only while
 * it holds the run's lease (store_run_claim, when the run is loaded). A
 * thread of each node renews the leases of its runs, and claims the runs
 * nobody works on: those of a node that died (its lease ran out) and queued
 * runs that no node took up within a lease (their node died before it
 * loaded them, or was too busy to), and at once the runs a front node
 * offers (execute_runs = no), of which LISTEN tells. The claim is one
 * UPDATE ... FOR UPDATE SKIP LOCKED, so nodes looking at once take
 * different runs. */
#ifndef AXON_ENGINE_LEASES_H
#define AXON_ENGINE_LEASES_H
#include <stdbool.h>
#include <stdint.h>

struct engine;
struct leases;

#define LEASE_DEFAULT_MS 30000

/* Starts the thread; NULL (logged) if it cannot start. take_over: also
 * claim the runs nobody works on (axond; axonctl only keeps its own). */
struct leases *leases_start(struct engine *e, const char *database, const char *node, int64_t lease_ms,
			    bool take_over);
void leases_stop(struct leases *l);
/* The lease a claim made now gives: until this wall time (ms). */
int64_t leases_until(const struct leases *l, int64_t now);

#endif
