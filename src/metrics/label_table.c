#include "metrics/label_table.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static size_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static int wait_ready(struct label_slot *s)
{
	int state;
	while ((state = atomic_load_explicit(&s->state, memory_order_acquire)) == 1)
		; /* another thread is copying its key: a few nanoseconds */
	return state;
}

struct label_slot *label_slot(struct label_table *t, const char *key)
{
	char k[LABEL_KEY_MAX];
	snprintf(k, sizeof k, "%s", key);
	size_t h = hash(k);
	for (size_t i = 0; i < t->size; i++) {
		struct label_slot *s = &t->slots[(h + i) % t->size];
		int state = atomic_load_explicit(&s->state, memory_order_acquire);
		if (state == 0) {
			int empty = 0;
			if (atomic_compare_exchange_strong_explicit(&s->state, &empty, 1, memory_order_acq_rel,
								    memory_order_acquire)) {
				memcpy(s->key, k, sizeof k);
				atomic_store_explicit(&s->state, 2, memory_order_release);
				return s;
			}
		}
		if (wait_ready(s) == 2 && !strcmp(s->key, k))
			return s;
	}
	if (atomic_load_explicit(&t->other.state, memory_order_acquire) != 2) {
		int empty = 0;
		if (atomic_compare_exchange_strong(&t->other.state, &empty, 1)) {
			snprintf(t->other.key, sizeof t->other.key, "other");
			atomic_store_explicit(&t->other.state, 2, memory_order_release);
		}
		wait_ready(&t->other);
	}
	return &t->other;
}

const struct label_slot *label_next(const struct label_table *t, size_t *pos)
{
	while (*pos <= t->size) {
		const struct label_slot *s = *pos < t->size ? &t->slots[*pos] : &t->other;
		++*pos;
		if (atomic_load_explicit(&s->state, memory_order_acquire) == 2)
			return s;
	}
	return NULL;
}
