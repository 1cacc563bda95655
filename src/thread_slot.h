/* One zeroed object per thread, made on first use and given to destroy when
 * the thread ends: for caches and buffers a request thread keeps between
 * requests. Declare with THREAD_SLOT(destroy) at file scope. */
#ifndef AXON_THREAD_SLOT_H
#define AXON_THREAD_SLOT_H
#include <pthread.h>
#include <stddef.h>

struct thread_slot {
	void (*destroy)(void *);
	int made; /* the key exists (read with acquire, set with release) */
	pthread_key_t key;
};
#define THREAD_SLOT(destroy) { (destroy), 0, 0 }

/* This thread's object of size bytes (zeroed the first time). */
void *thread_slot_get(struct thread_slot *s, size_t size);

#endif
