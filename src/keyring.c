#include "keyring.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "log.h"
#include "strbuf.h"

#define MAX_KEYS 8

struct keyring {
	pthread_mutex_t lock;
	char *path;
	struct envelope_key keys[MAX_KEYS]; /* keys[0] the current one once loaded */
	int nkeys;
};

/* Reads one key file: 0, -1 with err set, or 1 when it does not exist. */
static int read_key(const char *path, struct envelope_key *k, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0) {
		snprintf(err, errlen, "cannot read the credential key file %s: %s", path, strerror(errno));
		return -1;
	}
	char buf[2 * ENVELOPE_KEY_BYTES + 3];
	struct stat st;
	ssize_t n = fstat(fd, &st) == 0 ? read(fd, buf, sizeof buf - 1) : -1;
	close(fd);
	int rc = -1;
	unsigned char raw[ENVELOPE_KEY_BYTES];
	if (n < 0)
		snprintf(err, errlen, "cannot read the credential key file %s: %s", path, strerror(errno));
	else if (st.st_mode & 077)
		snprintf(err, errlen, "the credential key file %s can be read by others than its owner: chmod 600 it", path);
	else if ((n != 2 * ENVELOPE_KEY_BYTES && !(n == 2 * ENVELOPE_KEY_BYTES + 1 && buf[n - 1] == '\n')) ||
		 strspn((buf[n] = '\0', buf), "0123456789abcdef") != 2 * ENVELOPE_KEY_BYTES)
		snprintf(err, errlen, "the credential key file %s is not a key (64 lowercase hex digits and a newline): "
			 "restore it from your backup", path);
	else
		rc = 0;
	for (int i = 0; rc == 0 && i < ENVELOPE_KEY_BYTES; i++) {
		unsigned v;
		sscanf(buf + 2 * i, "%2x", &v);
		raw[i] = (unsigned char)v;
	}
	if (rc == 0)
		envelope_key_set(k, raw);
	OPENSSL_cleanse(raw, sizeof raw);
	OPENSSL_cleanse(buf, sizeof buf);
	return rc;
}

static int sync_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	int rc = fd >= 0 && fsync(fd) == 0 ? 0 : -1;
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Writes a fresh key to path, which must not exist: 0, 1 if it exists, -1 with err set. */
static int write_new_key(const char *path, char *err, size_t errlen)
{
	unsigned char raw[ENVELOPE_KEY_BYTES];
	char hex[2 * ENVELOPE_KEY_BYTES + 2];
	if (crypto_random(raw, sizeof raw) < 0) {
		snprintf(err, errlen, "no random bytes for a credential key (OpenSSL's generator failed)");
		return -1;
	}
	crypto_hex(raw, sizeof raw, hex);
	OPENSSL_cleanse(raw, sizeof raw);
	strcat(hex, "\n");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		OPENSSL_cleanse(hex, sizeof hex);
		return 1;
	}
	int ok = fd >= 0 && write(fd, hex, strlen(hex)) == (ssize_t)strlen(hex) && fsync(fd) == 0;
	int saved = errno;
	OPENSSL_cleanse(hex, sizeof hex);
	if (fd >= 0)
		close(fd);
	if (!ok || sync_dir(path) < 0) {
		snprintf(err, errlen, "cannot write the credential key file %s: %s", path, strerror(ok ? errno : saved));
		if (fd >= 0)
			unlink(path);
		return -1;
	}
	return 0;
}

int keyring_create_if_missing(const char *path, char *err, size_t errlen)
{
	int rc = write_new_key(path, err, errlen);
	if (rc < 0)
		return -1;
	if (rc == 0)
		log_info("generated the credential key file %s: back it up apart from the database, which cannot be "
			 "read without it", path);
	struct envelope_key k;
	rc = read_key(path, &k, err, errlen);
	envelope_key_clear(&k);
	if (rc > 0)
		snprintf(err, errlen, "the credential key file %s vanished as it was made", path);
	return rc ? -1 : 0;
}

struct keyring *keyring_new(const char *path)
{
	struct keyring *kr = xcalloc(1, sizeof *kr);
	pthread_mutex_init(&kr->lock, NULL);
	kr->path = xstrdup(path);
	return kr;
}

void keyring_free(struct keyring *kr)
{
	if (!kr)
		return;
	OPENSSL_cleanse(kr->keys, sizeof kr->keys);
	pthread_mutex_destroy(&kr->lock);
	free(kr->path);
	free(kr);
}

/* With the lock held: adds the key of file suffix ("" for FILE itself) if it
 * exists and is new; 0 (also when absent), or -1 with err set. */
static int add_file(struct keyring *kr, const char *suffix, char *err, size_t errlen)
{
	struct strbuf p = STRBUF_INIT;
	struct envelope_key k;
	sb_printf(&p, "%s%s", kr->path, suffix);
	int rc = read_key(sb_str(&p), &k, err, errlen);
	sb_free(&p);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	for (int i = 0; i < kr->nkeys; i++)
		if (!strcmp(kr->keys[i].id, k.id))
			rc = 1;
	if (rc == 0 && kr->nkeys < MAX_KEYS)
		kr->keys[kr->nkeys++] = k;
	envelope_key_clear(&k);
	return 0;
}

/* With the lock held: reads FILE (the current key, first) again. */
static int load_current(struct keyring *kr, char *err, size_t errlen)
{
	struct envelope_key k;
	int rc = read_key(kr->path, &k, err, errlen);
	if (rc > 0)
		snprintf(err, errlen, "there is no credential key file %s: axond makes one at its first start; "
			 "if it was lost, the credentials sealed under it cannot be read", kr->path);
	if (rc)
		return -1;
	int i = 0;
	while (i < kr->nkeys && strcmp(kr->keys[i].id, k.id))
		i++;
	if (i == kr->nkeys && kr->nkeys == MAX_KEYS)
		i--;
	kr->keys[i] = kr->keys[0];
	kr->keys[0] = k;
	if (i == kr->nkeys)
		kr->nkeys++;
	envelope_key_clear(&k);
	return 0;
}

/* With the lock held: the key with id kid, reading the files again if needed. */
static const struct envelope_key *find(struct keyring *kr, const char *kid, char *err, size_t errlen)
{
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < kr->nkeys; i++)
			if (!strcmp(kr->keys[i].id, kid))
				return &kr->keys[i];
		char suffix[ENVELOPE_KID_CHARS + 2];
		snprintf(suffix, sizeof suffix, ".%s", kid);
		if (pass == 0 && (load_current(kr, err, errlen) < 0 || add_file(kr, ".new", err, errlen) < 0 ||
				  add_file(kr, suffix, err, errlen) < 0))
			return NULL;
	}
	snprintf(err, errlen, "the credential is sealed under key %s, which is neither in the credential key file %s "
		 "(key %s) nor kept beside it as %s.%s: restore that key file", kid, kr->path, kr->keys[0].id, kr->path, kid);
	return NULL;
}

int keyring_find(struct keyring *kr, const char *kid, struct envelope_key *out, char *err, size_t errlen)
{
	pthread_mutex_lock(&kr->lock);
	const struct envelope_key *k = find(kr, kid, err, errlen);
	if (k)
		*out = *k;
	pthread_mutex_unlock(&kr->lock);
	return k ? 0 : -1;
}

char *keyring_seal(struct keyring *kr, const void *data, size_t len, char *err, size_t errlen)
{
	char *r = NULL;
	pthread_mutex_lock(&kr->lock);
	if (load_current(kr, err, errlen) == 0)
		r = envelope_seal(&kr->keys[0], data, len, err, errlen);
	pthread_mutex_unlock(&kr->lock);
	return r;
}

char *keyring_unseal(struct keyring *kr, const char *env, size_t *len, char *err, size_t errlen)
{
	char kid[ENVELOPE_KID_CHARS + 1];
	char *r = NULL;
	if (envelope_kid(env, kid, err, errlen) < 0)
		return NULL;
	pthread_mutex_lock(&kr->lock);
	const struct envelope_key *k = find(kr, kid, err, errlen);
	if (k)
		r = envelope_open(k, env, len, err, errlen);
	pthread_mutex_unlock(&kr->lock);
	return r;
}

int keyring_rotate_begin(struct keyring *kr, struct envelope_key *next, char *err, size_t errlen)
{
	struct strbuf next_path = STRBUF_INIT, kept = STRBUF_INIT;
	int rc = -1;
	pthread_mutex_lock(&kr->lock);
	sb_printf(&next_path, "%s.new", kr->path);
	if (load_current(kr, err, errlen) < 0 || write_new_key(sb_str(&next_path), err, errlen) < 0)
		goto out;
	int r = read_key(sb_str(&next_path), next, err, errlen);
	if (r > 0)
		snprintf(err, errlen, "the next credential key file %s vanished as it was made", sb_str(&next_path));
	if (r)
		goto out;
	/* A hard link keeps the current key under its id, whatever FILE becomes. */
	sb_printf(&kept, "%s.%s", kr->path, kr->keys[0].id);
	if (strcmp(next->id, kr->keys[0].id) && link(kr->path, sb_str(&kept)) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot keep the current credential key as %s: %s", sb_str(&kept), strerror(errno));
		goto out;
	}
	if (sync_dir(kr->path) < 0) {
		snprintf(err, errlen, "cannot sync the directory of %s: %s", kr->path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	pthread_mutex_unlock(&kr->lock);
	sb_free(&next_path);
	sb_free(&kept);
	return rc;
}

int keyring_rotate_end(struct keyring *kr, char *err, size_t errlen)
{
	struct strbuf next_path = STRBUF_INIT;
	int rc = 0;
	pthread_mutex_lock(&kr->lock);
	sb_printf(&next_path, "%s.new", kr->path);
	if (rename(sb_str(&next_path), kr->path) < 0 || sync_dir(kr->path) < 0) {
		snprintf(err, errlen, "cannot rename %s to %s: %s (every credential is readable with %s; run rotate-key again)",
			 sb_str(&next_path), kr->path, strerror(errno), sb_str(&next_path));
		rc = -1;
	} else {
		rc = load_current(kr, err, errlen);
	}
	pthread_mutex_unlock(&kr->lock);
	sb_free(&next_path);
	return rc;
}
