/* The credential envelope: a known answer computed apart from this code
 * (Python's cryptography package, AES-256-GCM as docs/credentials.md says),
 * round trips, and every kind of damage refused with a sentence that names
 * it; then the keyring's files, and the keys a rotation leaves behind. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envelope.h"
#include "keyring.h"
#include "store/scratch.h"
#include "testlib.h"

#define KAT "axc1$4c88d6948ff97dc1$oKGio6Slpqeoqaqrplk+bgGORPgqLM2YSzeOkSD9C0PG4hQ7xFd83SP2K14S2xlT705+Ppn7KEB/FewW$" \
	"sLGys7S1tre4ubq7eCLw5LI5nPZJigXCz545pcpt9hp2N6uK6bXJrgG/jdEMDcToX3Z7"
#define PLAIN "{\"password\":\"hunter22\"}"

static void fill(unsigned char *p, size_t n, unsigned char from)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(from + i);
}

static char *open_err(const struct envelope_key *k, const char *env, char *err, size_t errlen)
{
	size_t len;
	err[0] = '\0';
	return envelope_open(k, env, &len, err, errlen);
}

static void test_envelope(void)
{
	unsigned char raw[32], dek[32], wn[12], dn[12];
	struct envelope_key kek, other;
	char err[600];
	size_t len = 0;
	fill(raw, 32, 0);
	fill(dek, 32, 0x40);
	fill(wn, 12, 0xa0);
	fill(dn, 12, 0xb0);
	envelope_key_set(&kek, raw);
	CHECK_STR(kek.id, "4c88d6948ff97dc1");
	char *env = envelope_seal_with(&kek, dek, wn, dn, PLAIN, strlen(PLAIN), err, sizeof err);
	CHECK_STR(env, KAT);
	char *plain = envelope_open(&kek, KAT, &len, err, sizeof err);
	CHECK_STR(plain, PLAIN);
	CHECK(len == strlen(PLAIN));
	free(plain);
	free(env);

	/* A fresh seal differs each time and opens. */
	char *a = envelope_seal(&kek, "secret", 6, err, sizeof err), *b = envelope_seal(&kek, "secret", 6, err, sizeof err);
	CHECK(a && b && strcmp(a, b));
	plain = envelope_open(&kek, a, &len, err, sizeof err);
	CHECK_STR(plain, "secret");
	free(plain);
	free(b);

	/* Another key: refused, naming both ids. */
	raw[0] ^= 1;
	envelope_key_set(&other, raw);
	CHECK(open_err(&other, KAT, err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "sealed under key 4c88d6948ff97dc1, not under key");
	/* The wrong key relabelled with the right id (a forged key file): the unwrap fails its check. */
	memcpy(other.id, kek.id, sizeof other.id);
	CHECK(open_err(&other, KAT, err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "does not unwrap under key 4c88d6948ff97dc1");

	/* One flipped character in the ciphertext, the wrapped key, the id; cut short; another version. */
	char *t = strdup(KAT);
	size_t n = strlen(t);
	t[n - 10] = t[n - 10] == 'A' ? 'B' : 'A';
	CHECK(open_err(&kek, t, err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "ciphertext fails its integrity check");
	strcpy(t, KAT);
	t[30] = t[30] == 'A' ? 'B' : 'A';
	CHECK(open_err(&kek, t, err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "does not unwrap");
	strcpy(t, KAT);
	t[5] = '5';
	CHECK(open_err(&kek, t, err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "not under key");
	CHECK(open_err(&kek, "axc1$4c88d6948ff97dc1$oKGi", err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "envelope is damaged");
	CHECK(open_err(&kek, "axc9$4c88d6948ff97dc1$a$b", err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "envelope version 'axc9'");
	CHECK(open_err(&kek, "hunter22", err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "does not start with axc1$");
	strcpy(t, KAT);
	t[n - 1] = '!';
	CHECK(open_err(&kek, t, err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "damaged");
	free(t);

	/* Rewrapping: the new key opens it, the old no longer does, the sealed part is kept. */
	fill(raw, 32, 0x10);
	envelope_key_set(&other, raw);
	char *r = envelope_rewrap(&kek, &other, a, err, sizeof err);
	CHECK(r && !strncmp(r + 5, other.id, 16));
	CHECK(r && !strcmp(strrchr(r, '$'), strrchr(a, '$')));
	plain = r ? envelope_open(&other, r, &len, err, sizeof err) : NULL;
	CHECK_STR(plain, "secret");
	free(plain);
	CHECK(r && open_err(&kek, r, err, sizeof err) == NULL);
	CHECK(envelope_rewrap(&other, &kek, a, err, sizeof err) == NULL);
	free(r);
	free(a);
}

static void test_keyring(void)
{
	char path[4200], err[600], kept[4300], next[4210];
	struct stat st;
	size_t len;
	snprintf(path, sizeof path, "%s/credential.key", scratch_dir);
	snprintf(next, sizeof next, "%s.new", path);

	struct keyring *kr = keyring_new(path);
	CHECK(keyring_seal(kr, "x", 1, err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "there is no credential key file");
	CHECK(keyring_create_if_missing(path, err, sizeof err) == 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	char *env = keyring_seal(kr, "value", 5, err, sizeof err);
	char *plain = env ? keyring_unseal(kr, env, &len, err, sizeof err) : NULL;
	CHECK_STR(plain, "value");
	free(plain);

	/* Rotation killed after the next key was made: the old key still opens. */
	struct envelope_key nk, ck;
	char kid[17];
	CHECK(envelope_kid(env, kid, err, sizeof err) == 0);
	CHECK(keyring_rotate_begin(kr, &nk, err, sizeof err) == 0);
	snprintf(kept, sizeof kept, "%s.%s", path, kid);
	CHECK(stat(kept, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(stat(next, &st) == 0 && (st.st_mode & 0777) == 0600);
	struct envelope_key again;
	CHECK(keyring_rotate_begin(kr, &again, err, sizeof err) == 0); /* a second start reuses FILE.new */
	CHECK_STR(again.id, nk.id);
	CHECK(keyring_find(kr, kid, &ck, err, sizeof err) == 0);
	char *r = envelope_rewrap(&ck, &nk, env, err, sizeof err);
	/* Before the rename, a fresh keyring (a restarted daemon) opens both. */
	struct keyring *fresh = keyring_new(path);
	plain = r ? keyring_unseal(fresh, r, &len, err, sizeof err) : NULL;
	CHECK_STR(plain, "value");
	free(plain);
	CHECK(keyring_rotate_end(kr, err, sizeof err) == 0);
	plain = r ? keyring_unseal(fresh, r, &len, err, sizeof err) : NULL;
	CHECK_STR(plain, "value");
	free(plain);
	/* The old key is kept: an envelope under it still opens. */
	plain = keyring_unseal(fresh, env, &len, err, sizeof err);
	CHECK_STR(plain, "value");
	free(plain);
	keyring_free(fresh);
	/* Without the kept key, it is refused with the file to restore. */
	unlink(kept);
	fresh = keyring_new(path);
	CHECK(keyring_unseal(fresh, env, &len, err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "nor kept beside it as");
	keyring_free(fresh);

	/* A key file others can read, or one that is not a key. */
	chmod(path, 0644);
	fresh = keyring_new(path);
	CHECK(keyring_seal(fresh, "x", 1, err, sizeof err) == NULL);
	CHECK_CONTAINS(err, "chmod 600");
	keyring_free(fresh);
	int fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(fd >= 0 && write(fd, "not a key\n", 10) == 10);
	close(fd);
	chmod(path, 0600);
	CHECK(keyring_create_if_missing(path, err, sizeof err) < 0);
	CHECK_CONTAINS(err, "is not a key");

	free(r);
	free(env);
	keyring_free(kr);
}

int main(void)
{
	scratch_init();
	test_envelope();
	test_keyring();
	return t_done("envelope");
}
