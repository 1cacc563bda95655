#include "broker/llm_limit.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "clock.h"

/* One slot per credential in use; a slot whose requests have all ended and
 * whose next start is due is free for another. With more credentials busy at
 * once than slots, the others go unlimited rather than wait on each other. */
#define LLM_LIMIT_SLOTS 64

static struct slot {
	int64_t id;
	int in_flight;
	int64_t next_start; /* monotonic ms */
} slots[LLM_LIMIT_SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;

static int limited(const struct llm_limit *l)
{
	return l->credential_id && (l->max_concurrent > 0 || l->per_minute > 0);
}

static struct slot *slot_of(int64_t id, int64_t now)
{
	struct slot *free_one = NULL;
	for (int i = 0; i < LLM_LIMIT_SLOTS; i++) {
		if (slots[i].id == id)
			return &slots[i];
		if (!free_one && (!slots[i].id || (!slots[i].in_flight && slots[i].next_start <= now)))
			free_one = &slots[i];
	}
	if (free_one)
		*free_one = (struct slot){ id, 0, 0 };
	return free_one;
}

int llm_limit_enter(const struct llm_limit *l, int64_t deadline, const volatile int *cancel, char *err, size_t errlen)
{
	if (!limited(l))
		return 0;
	pthread_mutex_lock(&lock);
	for (;;) {
		int64_t now = mono_ms();
		struct slot *s = slot_of(l->credential_id, now);
		if (!s)
			break;
		int full = l->max_concurrent > 0 && s->in_flight >= l->max_concurrent;
		int64_t due = l->per_minute > 0 && s->next_start > now ? s->next_start : now;
		if (!full && due <= now) {
			s->in_flight++;
			if (l->per_minute > 0)
				s->next_start = now + 60000 / l->per_minute;
			break;
		}
		if ((cancel && *cancel) || now >= deadline) {
			pthread_mutex_unlock(&lock);
			snprintf(err, errlen, "credential '%s' allows %d requests %s, and no turn came before %s", l->name,
			         full ? l->max_concurrent : l->per_minute, full ? "at once" : "a minute",
			         cancel && *cancel ? "the run was cancelled" : "the block's time ran out");
			return -1;
		}
		/* Woken by a leave, or after a tenth of a second to look at the
		 * clock, the deadline and a cancel again. */
		int64_t wait = full ? 100 : due - now < 100 ? due - now : 100;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += wait * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&changed, &lock, &until);
	}
	pthread_mutex_unlock(&lock);
	return 0;
}

void llm_limit_leave(const struct llm_limit *l)
{
	if (!limited(l))
		return;
	pthread_mutex_lock(&lock);
	for (int i = 0; i < LLM_LIMIT_SLOTS; i++)
		if (slots[i].id == l->credential_id && slots[i].in_flight > 0)
			slots[i].in_flight--;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}
