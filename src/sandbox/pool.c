#include "sandbox/pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strbuf.h"

#define PREWARM_MIN_USES 4 /* executions in a window for a key to count as running often */

/* What the pool knows of one key: how many of its executions run now, the
 * most that ran at once in the current window, and its idle workers. */
struct key_stat {
	char *plugin, *identity, *domain;
	unsigned busy, peak, idle;
	unsigned uses;               /* executions started in the current window */
	unsigned last_peak, last_uses; /* the same in the window before */
	struct key_stat *next;
};

struct pool {
	pthread_mutex_t mu;
	struct worker *head, *tail; /* idle, most recently used first */
	unsigned nidle, nbusy;
	struct key_stat *keys;
	int64_t window_start;
};

static int same(const char *a, const char *b)
{
	return (a == b) || (a && b && !strcmp(a, b));
}

static struct key_stat *key_find(struct pool *p, const char *plugin, const char *identity, const char *domain, int create)
{
	for (struct key_stat *k = p->keys; k; k = k->next)
		if (same(k->plugin, plugin) && same(k->identity, identity) && same(k->domain, domain))
			return k;
	if (!create)
		return NULL;
	struct key_stat *k = xcalloc(1, sizeof *k);
	k->plugin = xstrdup(plugin);
	k->identity = identity ? xstrdup(identity) : NULL;
	k->domain = domain ? xstrdup(domain) : NULL;
	k->next = p->keys;
	p->keys = k;
	return k;
}

struct pool *pool_new(void)
{
	struct pool *p = xcalloc(1, sizeof *p);
	pthread_mutex_init(&p->mu, NULL);
	return p;
}

static void unlink_worker(struct pool *p, struct worker *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		p->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		p->tail = w->prev;
	w->prev = w->next = NULL;
	p->nidle--;
	struct key_stat *k = key_find(p, w->plugin, w->identity, w->domain, 0);
	if (k && k->idle)
		k->idle--;
}

void pool_free(struct pool *p)
{
	if (!p)
		return;
	worker_retire_list(pool_remove_if(p, NULL, NULL));
	while (p->keys) {
		struct key_stat *k = p->keys;
		p->keys = k->next;
		free(k->plugin);
		free(k->identity);
		free(k->domain);
		free(k);
	}
	pthread_mutex_destroy(&p->mu);
	free(p);
}

struct worker *pool_take(struct pool *p, const char *plugin, const char *identity, const char *domain)
{
	pthread_mutex_lock(&p->mu);
	struct worker *w = p->head;
	while (w && !(same(w->plugin, plugin) && same(w->identity, identity) && same(w->domain, domain)))
		w = w->next;
	if (w)
		unlink_worker(p, w);
	struct key_stat *k = key_find(p, plugin, identity, domain, 1);
	k->busy++;
	k->uses++;
	if (k->busy > k->peak)
		k->peak = k->busy;
	p->nbusy++;
	pthread_mutex_unlock(&p->mu);
	return w;
}

void pool_done(struct pool *p, const char *plugin, const char *identity, const char *domain)
{
	pthread_mutex_lock(&p->mu);
	struct key_stat *k = key_find(p, plugin, identity, domain, 0);
	if (k && k->busy)
		k->busy--;
	if (p->nbusy)
		p->nbusy--;
	pthread_mutex_unlock(&p->mu);
}

void pool_put(struct pool *p, struct worker *w)
{
	pthread_mutex_lock(&p->mu);
	w->prev = NULL;
	w->next = p->head;
	if (p->head)
		p->head->prev = w;
	else
		p->tail = w;
	p->head = w;
	p->nidle++;
	key_find(p, w->plugin, w->identity, w->domain, 1)->idle++;
	pthread_mutex_unlock(&p->mu);
}

struct worker *pool_remove_if(struct pool *p, int (*drop)(const struct worker *w, void *arg), void *arg)
{
	struct worker *out = NULL;
	pthread_mutex_lock(&p->mu);
	for (struct worker *w = p->head, *next; w; w = next) {
		next = w->next;
		if (drop && !drop(w, arg))
			continue;
		unlink_worker(p, w);
		w->next = out;
		out = w;
	}
	pthread_mutex_unlock(&p->mu);
	return out;
}

struct worker *pool_trim(struct pool *p, unsigned max)
{
	struct worker *out = NULL;
	pthread_mutex_lock(&p->mu);
	while (p->nidle > max && p->tail) {
		struct worker *w = p->tail;
		unlink_worker(p, w);
		w->next = out;
		out = w;
	}
	pthread_mutex_unlock(&p->mu);
	return out;
}

unsigned pool_shortfall(struct pool *p, int64_t now, int64_t window_ms, char **plugin, char **identity, char **domain)
{
	unsigned missing = 0;
	pthread_mutex_lock(&p->mu);
	for (struct key_stat *k = p->keys; k && !missing; k = k->next) {
		/* Only for keys that run often: one run now and then gets no spare. */
		unsigned peak = k->peak > k->last_peak ? k->peak : k->last_peak;
		if (k->uses + k->last_uses >= PREWARM_MIN_USES && peak > k->busy + k->idle) {
			missing = peak - k->busy - k->idle;
			*plugin = xstrdup(k->plugin);
			*identity = k->identity ? xstrdup(k->identity) : NULL;
			*domain = k->domain ? xstrdup(k->domain) : NULL;
		}
	}
	if (now - p->window_start >= window_ms) {
		/* A new window: the peak starts again from what runs now (the last
		 * window's still counts), and keys with nothing left are forgotten. */
		p->window_start = now;
		for (struct key_stat **kp = &p->keys; *kp;) {
			struct key_stat *k = *kp;
			k->last_peak = k->peak;
			k->last_uses = k->uses;
			k->peak = k->busy;
			k->uses = 0;
			if (!k->busy && !k->idle && !k->last_peak) {
				*kp = k->next;
				free(k->plugin);
				free(k->identity);
				free(k->domain);
				free(k);
			} else {
				kp = &k->next;
			}
		}
	}
	pthread_mutex_unlock(&p->mu);
	return missing;
}

void pool_forget_demand(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	for (struct key_stat *k = p->keys; k; k = k->next)
		k->peak = k->last_peak = k->busy;
	pthread_mutex_unlock(&p->mu);
}

void pool_counts(struct pool *p, unsigned *idle, unsigned *busy)
{
	pthread_mutex_lock(&p->mu);
	*idle = p->nidle;
	*busy = p->nbusy;
	pthread_mutex_unlock(&p->mu);
}

void worker_retire(struct worker *w)
{
	if (!w)
		return;
	if (w->chan >= 0)
		close(w->chan);
	if (w->reply >= 0)
		close(w->reply);
	if (w->statm >= 0)
		close(w->statm);
	free(w->plugin);
	free(w->identity);
	free(w->domain);
	free(w);
}

void worker_retire_list(struct worker *list)
{
	while (list) {
		struct worker *next = list->next;
		worker_retire(list);
		list = next;
	}
}
