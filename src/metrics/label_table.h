/* A fixed-size table of label values (a route, a workflow, a block type),
 * each with a histogram and a few counters, found and added without a lock:
 * a new value claims an empty slot with a compare-and-swap, writes its key,
 * then publishes it. Slots are never removed, so the label set is bounded by
 * the table's size; past it, every new value shares one slot keyed "other".
 * Callers allocate a table statically, zeroed: that is its initial state. */
#ifndef AXON_LABEL_TABLE_H
#define AXON_LABEL_TABLE_H
#include <stdatomic.h>
#include <stddef.h>

#include "metrics/histogram.h"

#define LABEL_KEY_MAX 96
#define LABEL_COUNTERS 25

struct label_slot {
	atomic_int state; /* 0 empty, 1 being claimed, 2 ready */
	char key[LABEL_KEY_MAX];
	struct histogram hist;
	atomic_uint_fast64_t counter[LABEL_COUNTERS];
};

struct label_table {
	size_t size;
	struct label_slot *slots;
	struct label_slot other;
};

/* The slot of key (truncated to LABEL_KEY_MAX - 1 bytes), added if new. */
struct label_slot *label_slot(struct label_table *t, const char *key);
/* Walks the ready slots in table order, "other" last once used: start with
 * *pos = 0; NULL at the end. */
const struct label_slot *label_next(const struct label_table *t, size_t *pos);

#endif
