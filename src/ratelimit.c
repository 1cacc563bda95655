#include "ratelimit.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

#define SLOTS 1024        /* hash chains */
#define SWEEP_ABOVE 4096  /* keys past which full buckets are dropped */

struct bucket {
	struct bucket *next;
	double tokens;
	int64_t at_ms;      /* when tokens was computed */
	double per_ms, burst;
	char key[];
};

struct ratelimit {
	pthread_mutex_t lock;
	struct bucket *slots[SLOTS];
	long count;
};

struct ratelimit *ratelimit_new(void)
{
	struct ratelimit *rl = xcalloc(1, sizeof *rl);
	pthread_mutex_init(&rl->lock, NULL);
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	for (int i = 0; i < SLOTS; i++)
		for (struct bucket *b = rl->slots[i], *next; b; b = next) {
			next = b->next;
			free(b);
		}
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % SLOTS;
}

static void refill(struct bucket *b, int64_t now_ms)
{
	if (now_ms > b->at_ms) {
		b->tokens += (double)(now_ms - b->at_ms) * b->per_ms;
		if (b->tokens > b->burst)
			b->tokens = b->burst;
		b->at_ms = now_ms;
	}
}

/* Drops every bucket that is full again: it would start over just the same. */
static void sweep(struct ratelimit *rl, int64_t now_ms)
{
	for (int i = 0; i < SLOTS; i++)
		for (struct bucket **p = &rl->slots[i]; *p;) {
			refill(*p, now_ms);
			if ((*p)->tokens >= (*p)->burst) {
				struct bucket *dead = *p;
				*p = dead->next;
				free(dead);
				rl->count--;
			} else {
				p = &(*p)->next;
			}
		}
}

long ratelimit_take(struct ratelimit *rl, const char *key, long per_minute, long burst, int64_t now_ms)
{
	if (per_minute <= 0)
		return 0;
	double cap = burst > 0 ? (double)burst : (double)per_minute, per_ms = (double)per_minute / 60000.0;
	pthread_mutex_lock(&rl->lock);
	unsigned h = hash(key);
	struct bucket *b = rl->slots[h];
	while (b && strcmp(b->key, key))
		b = b->next;
	if (!b) {
		if (rl->count >= SWEEP_ABOVE)
			sweep(rl, now_ms);
		size_t len = strlen(key);
		b = xmalloc(sizeof *b + len + 1);
		memcpy(b->key, key, len + 1);
		b->tokens = cap;
		b->at_ms = now_ms;
		b->next = rl->slots[h];
		rl->slots[h] = b;
		rl->count++;
	}
	/* A changed configuration applies at once. */
	b->per_ms = per_ms;
	b->burst = cap;
	refill(b, now_ms);
	long wait = 0;
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
	} else {
		int64_t need_ms = (int64_t)((1.0 - b->tokens) / per_ms + 0.999);
		wait = need_ms > 1000 ? (long)((need_ms + 999) / 1000) : 1;
	}
	pthread_mutex_unlock(&rl->lock);
	return wait;
}

long ratelimit_size(struct ratelimit *rl)
{
	pthread_mutex_lock(&rl->lock);
	long n = rl->count;
	pthread_mutex_unlock(&rl->lock);
	return n;
}

static atomic_uint_fast64_t refused[RATELIMIT_KINDS];

void ratelimit_count_refused(enum ratelimit_kind kind)
{
	atomic_fetch_add(&refused[kind], 1);
}

uint64_t ratelimit_refused(enum ratelimit_kind kind)
{
	return atomic_load(&refused[kind]);
}

uint64_t ratelimit_refused_total(void)
{
	uint64_t n = 0;
	for (int k = 0; k < RATELIMIT_KINDS; k++)
		n += atomic_load(&refused[k]);
	return n;
}

const char *ratelimit_kind_name(enum ratelimit_kind kind)
{
	static const char *const names[RATELIMIT_KINDS] = { "api_user", "api_token", "runs", "webhook" };
	return names[kind];
}
