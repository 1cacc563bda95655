#include "thread_slot.h"

#include "strbuf.h"

static pthread_mutex_t make_lock = PTHREAD_MUTEX_INITIALIZER;

void *thread_slot_get(struct thread_slot *s, size_t size)
{
	if (!__atomic_load_n(&s->made, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&make_lock);
		if (!s->made) {
			pthread_key_create(&s->key, s->destroy);
			__atomic_store_n(&s->made, 1, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&make_lock);
	}
	void *p = pthread_getspecific(s->key);
	if (!p) {
		p = xcalloc(1, size);
		pthread_setspecific(s->key, p);
	}
	return p;
}
