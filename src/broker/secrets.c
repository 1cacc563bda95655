#include "broker/secrets.h"

#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "strbuf.h"

/* Values shorter than this are not masked: masking "a" would garble every
 * output and hide nothing. */
#define MASK_MIN 4
#define MASK "****"

/* Remembered credential values beyond this many are not added: a bound on
 * what a long-lived daemon keeps, far above any real installation's count. */
#define EXTRA_MAX 100000

struct secrets {
	pthread_mutex_t lock;
	char *path;
	struct timespec mtime;
	off_t size;
	json_t *values;   /* the file's, NULL until read */
	json_t *extra;    /* {value: true} of the credentials used (secrets_remember) */
	json_t *patterns; /* {text: true}: every value and its encoded forms, rebuilt when values change;
			   * never changed once made, so that a reader masks with it unlocked */
};

struct secrets *secrets_open(const char *path)
{
	struct secrets *s = xcalloc(1, sizeof *s);
	pthread_mutex_init(&s->lock, NULL);
	s->path = xstrdup(path);
	s->extra = json_object();
	return s;
}

void secrets_close(struct secrets *s)
{
	if (!s)
		return;
	json_decref(s->values);
	json_decref(s->extra);
	json_decref(s->patterns);
	pthread_mutex_destroy(&s->lock);
	free(s->path);
	free(s);
}

/* With the lock held: the current values (borrowed), reread if the file
 * changed; NULL with the reason in err. */
static json_t *current(struct secrets *s, char *err, size_t errlen)
{
	struct stat st;
	if (!s->path[0]) {
		snprintf(err, errlen, "no secrets file is configured (set secrets_file in axon.conf)");
		return NULL;
	}
	if (stat(s->path, &st) < 0) {
		snprintf(err, errlen, "no secrets file %s (%s): create it as a JSON object {\"name\": \"value\"} and set secrets_file in axon.conf",
		         s->path, strerror(errno));
		if (s->values) {
			json_decref(s->values);
			s->values = NULL;
			json_decref(s->patterns);
			s->patterns = NULL;
		}
		return NULL;
	}
	if (s->values && st.st_mtim.tv_sec == s->mtime.tv_sec && st.st_mtim.tv_nsec == s->mtime.tv_nsec && st.st_size == s->size)
		return s->values;
	json_error_t je;
	json_t *v = json_load_file(s->path, JSON_REJECT_DUPLICATES, &je);
	const char *key;
	json_t *val;
	int bad = !json_is_object(v);
	json_object_foreach(v, key, val)
		bad |= !json_is_string(val);
	if (bad) {
		snprintf(err, errlen, "secrets file %s: %s", s->path,
		         v ? "must be a JSON object whose values are strings" : je.text);
		json_decref(v);
		return NULL;
	}
	if (st.st_mode & 077)
		log_warn("secrets file %s can be read by others than its owner: chmod 600 it", s->path);
	json_decref(s->values);
	s->values = v;
	json_decref(s->patterns);
	s->patterns = NULL;
	s->mtime = st.st_mtim;
	s->size = st.st_size;
	return v;
}

char *secrets_get(struct secrets *s, const char *name, char *err, size_t errlen)
{
	pthread_mutex_lock(&s->lock);
	json_t *all = current(s, err, errlen);
	const char *v = all ? json_string_value(json_object_get(all, name)) : NULL;
	char *out = v ? xstrdup(v) : NULL;
	if (all && !v)
		snprintf(err, errlen, "no secret named '%s' in %s", name, s->path);
	pthread_mutex_unlock(&s->lock);
	return out;
}

/* value and the forms it takes on its way through HTTP: base64 (as in a
 * Basic authorization) and percent-encoded (as in a query string). */
static void add_forms(json_t *patterns, const char *value)
{
	size_t n = strlen(value);
	if (n < MASK_MIN)
		return;
	json_object_set_new(patterns, value, json_true());
	char *b64 = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)value, (int)n);
	json_object_set_new(patterns, b64, json_true());
	free(b64);
	struct strbuf url = STRBUF_INIT;
	sb_add_urlenc(&url, value);
	json_object_set_new(patterns, sb_str(&url), json_true());
	sb_free(&url);
}

/* What to mask (a new reference), the file read again if it changed. */
static json_t *patterns(struct secrets *s)
{
	char err[300];
	pthread_mutex_lock(&s->lock);
	json_t *file = current(s, err, sizeof err);
	if (!s->patterns) {
		const char *key;
		json_t *v;
		s->patterns = json_object();
		json_object_foreach(file, key, v)
			add_forms(s->patterns, json_string_value(v));
		json_object_foreach(s->extra, key, v)
			add_forms(s->patterns, key);
	}
	json_t *all = json_incref(s->patterns);
	pthread_mutex_unlock(&s->lock);
	return all;
}

void secrets_remember(struct secrets *s, const json_t *fields)
{
	const char *key;
	json_t *v;
	pthread_mutex_lock(&s->lock);
	json_object_foreach((json_t *)fields, key, v) {
		const char *text = json_string_value(v);
		if (text && strlen(text) >= MASK_MIN && !json_object_get(s->extra, text) &&
		    json_object_size(s->extra) < EXTRA_MAX) {
			json_object_set_new(s->extra, text, json_true());
			json_decref(s->patterns); /* made again with it when next asked */
			s->patterns = NULL;
		}
	}
	pthread_mutex_unlock(&s->lock);
}

static void mask_into(json_t *all, const char *text, struct strbuf *out)
{
	const char *p = text;
	while (*p) {
		const char *key;
		json_t *val;
		size_t best = 0;
		json_object_foreach(all, key, val) {
			size_t n = strlen(key);
			if (n > best && !strncmp(p, key, n))
				best = n;
		}
		if (best) {
			sb_adds(out, MASK);
			p += best;
		} else {
			sb_addc(out, *p++);
		}
	}
}

char *secrets_mask(struct secrets *s, const char *text)
{
	struct strbuf out = STRBUF_INIT;
	json_t *all = patterns(s);
	mask_into(all, text, &out);
	json_decref(all);
	return sb_detach(&out);
}

static json_t *mask_json(json_t *all, const json_t *v)
{
	const char *key;
	json_t *item, *copy;
	size_t i;
	if (json_is_string(v) && json_object_size(all)) {
		struct strbuf out = STRBUF_INIT;
		mask_into(all, json_string_value(v), &out);
		json_t *r = json_stringn(sb_str(&out), out.len);
		sb_free(&out);
		return r ? r : json_deep_copy(v);
	}
	if (json_is_object(v)) {
		copy = json_object();
		json_object_foreach((json_t *)v, key, item)
			json_object_set_new(copy, key, mask_json(all, item));
		return copy;
	}
	if (json_is_array(v)) {
		copy = json_array();
		json_array_foreach(v, i, item)
			json_array_append_new(copy, mask_json(all, item));
		return copy;
	}
	return json_deep_copy(v);
}

json_t *secrets_mask_json(struct secrets *s, const json_t *v)
{
	json_t *all = patterns(s);
	/* Nothing to mask: the value itself, shared (nobody changes an output). */
	json_t *r = json_object_size(all) ? mask_json(all, v) : json_incref((json_t *)v);
	json_decref(all);
	return r;
}
