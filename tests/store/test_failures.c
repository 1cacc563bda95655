/* When the database cannot take a write (locked, read-only, full, damaged,
 * or the write itself conflicts), the store says so in words a person can
 * act on, and nothing already committed is lost or half-changed. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "../testlib.h"
#include "scratch.h"

/* A fingerprint of every row the store keeps, to compare before and after. */
static void snapshot(const char *path, int64_t out[6])
{
	static const char *const counts[] = {
		"SELECT count(*) FROM users", "SELECT count(*) FROM workflows",
		"SELECT count(*) FROM workflow_versions", "SELECT count(*) FROM workflow_tags",
		"SELECT count(*) FROM audit_log", "SELECT total(length(definition)) FROM workflow_versions",
	};
	sqlite3 *db = raw_open(path);
	for (int i = 0; i < 6; i++)
		out[i] = raw_int(db, counts[i]);
	sqlite3_close(db);
}

static int same(const int64_t a[6], const int64_t b[6])
{
	return !memcmp(a, b, 6 * sizeof a[0]);
}

static json_t *workflow(const char *name, json_t *tags, size_t payload)
{
	char *big = calloc(1, payload + 1);
	memset(big, 'x', payload);
	json_t *wf = json_pack("{s:s, s:o, s:{s:s}}", "name", name, "tags", tags, "definition", "payload", big);
	free(big);
	return wf;
}

/* A store with an owner and one workflow, for each case to spoil. */
static struct store *populated(const char *path)
{
	struct store *st;
	char err[512];
	int64_t id;
	if (store_open(path, &st, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "%s\n", err);
		exit(99);
	}
	CHECK(store_setup_owner(st, "olga", "hash", &id) == STORE_OK);
	json_t *wf = workflow("first", json_pack("[s]", "keep"), 10);
	CHECK(store_workflow_create(st, id, wf, &id) == STORE_OK);
	json_decref(wf);
	return st;
}

static void test_busy(void)
{
	const char *path = scratch_path("busy.db");
	struct store *st = populated(path);
	int64_t before[6], after[6], id;
	snapshot(path, before);

	sqlite3 *other = raw_open(path);
	CHECK(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL, NULL) == SQLITE_OK);
	store_set_busy_timeout(st, 50);
	CHECK(store_user_create(st, 1, "alice", "hash", ROLE_EDITOR, &id) == STORE_BUSY);
	CHECK_CONTAINS(store_errmsg(st), "is locked by another process: try again");
	CHECK_CONTAINS(store_errmsg(st), path);
	CHECK(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(other);

	snapshot(path, after);
	CHECK(same(before, after));
	CHECK(store_user_create(st, 1, "alice", "hash", ROLE_EDITOR, &id) == STORE_OK);
	store_close(st);
}

static void test_readonly(void)
{
	if (geteuid() == 0) {
		printf("test_failures: read-only case skipped: root writes to read-only files anyway\n");
		return;
	}
	char dir[4200], path[4300];
	snprintf(dir, sizeof dir, "%s", scratch_path("ro"));
	snprintf(path, sizeof path, "%s/axon.db", dir);
	CHECK(mkdir(dir, 0700) == 0);
	store_close(populated(path));
	int64_t before[6], after[6];
	snapshot(path, before);
	CHECK(chmod(path, 0444) == 0 && chmod(dir, 0555) == 0);

	struct store *st = (struct store *)1;
	char err[512] = "";
	CHECK(store_open(path, &st, err, sizeof err) == STORE_READONLY);
	CHECK(st == NULL);
	CHECK_CONTAINS(err, "is read-only: give the user running axond write access to it and to its directory");
	CHECK_CONTAINS(err, path);

	CHECK(chmod(dir, 0700) == 0 && chmod(path, 0600) == 0);
	snapshot(path, after);
	CHECK(same(before, after));
}

static void test_full(void)
{
	const char *path = scratch_path("full.db");
	struct store *st = populated(path);
	int64_t before[6], after[6], id;
	snapshot(path, before);

	/* Not a byte more than the file holds now: the big write cannot fit. */
	struct stat sb;
	CHECK(stat(path, &sb) == 0);
	CHECK(store_set_max_size(st, sb.st_size) == STORE_OK);
	json_t *wf = workflow("too big", json_pack("[s]", "big"), 1 << 20);
	CHECK(store_workflow_create(st, 1, wf, &id) == STORE_FULL);
	CHECK_CONTAINS(store_errmsg(st), "is full: free space, nothing was written");
	snapshot(path, after);
	CHECK(same(before, after));

	/* The store still works, and the same write succeeds with room. */
	json_t *got = NULL;
	CHECK(store_workflow_get(st, 1, 0, &got) == STORE_OK);
	json_decref(got);
	CHECK(store_set_max_size(st, 1LL << 30) == STORE_OK);
	CHECK(store_workflow_create(st, 1, wf, &id) == STORE_OK);
	json_decref(wf);
	store_close(st);
}

static void test_conflict_midway(void)
{
	const char *path = scratch_path("conflict.db");
	struct store *st = populated(path);
	int64_t before[6], after[6], id;
	int version;
	snapshot(path, before);

	/* The duplicate tag fails after the workflow and its version were written. */
	json_t *wf = workflow("twice tagged", json_pack("[s, s, s]", "a", "b", "a"), 10);
	CHECK(store_workflow_create(st, 1, wf, &id) == STORE_CONFLICT);
	CHECK_CONTAINS(store_errmsg(st), "the tag \"a\" is given twice");
	CHECK(store_workflow_save(st, 1, 1, wf, &version) == STORE_CONFLICT);
	json_decref(wf);
	snapshot(path, after);
	CHECK(same(before, after));

	json_t *got = NULL;
	CHECK(store_workflow_get(st, 1, 0, &got) == STORE_OK);
	CHECK(json_integer_value(json_object_get(got, "version")) == 1);
	CHECK_STR(json_string_value(json_object_get(got, "name")), "first");
	CHECK_STR(json_string_value(json_array_get(json_object_get(got, "tags"), 0)), "keep");
	json_decref(got);
	store_close(st);
}

static void write_file(const char *path, const void *data, size_t len, off_t at)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0 && pwrite(fd, data, len, at) == (ssize_t)len);
	if (fd >= 0)
		close(fd);
}

static void test_corrupt(void)
{
	char err[512] = "";
	struct store *st = (struct store *)1;
	char garbage[8192];
	for (size_t i = 0; i < sizeof garbage; i++)
		garbage[i] = (char)(i * 131 + 7);

	/* Another kind of file altogether. */
	const char *path = scratch_path("garbage.db");
	write_file(path, garbage, sizeof garbage, 0);
	CHECK(store_open(path, &st, err, sizeof err) == STORE_CORRUPT);
	CHECK(st == NULL);
	CHECK_CONTAINS(err, "is not a valid Axon database (damaged, or another file): restore it from a backup");
	CHECK_CONTAINS(err, path);

	/* A database whose first page was overwritten. */
	path = scratch_path("damaged.db");
	store_close(populated(path));
	write_file(path, garbage, 100, 0);
	err[0] = '\0';
	CHECK(store_open(path, &st, err, sizeof err) == STORE_CORRUPT);
	CHECK_CONTAINS(err, "is not a valid Axon database");
}

int main(void)
{
	scratch_init();
	test_busy();
	test_readonly();
	test_full();
	test_conflict_midway();
	test_corrupt();
	return t_done("test_failures");
}
