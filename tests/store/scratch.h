/* A scratch directory for one test program, made with mkdtemp under $TMPDIR
 * and removed with everything in it at exit; a time limit; and a raw SQLite
 * connection for looking behind the store's back. */
#ifndef AXON_TESTS_STORE_SCRATCH_H
#define AXON_TESTS_STORE_SCRATCH_H
#include <ftw.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch_dir[4096];

static inline int scratch_remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	if (flag == FTW_DP || flag == FTW_D)
		chmod(path, 0700); /* a test may have made it read-only */
	return remove(path);
}

static inline void scratch_remove(void)
{
	nftw(scratch_dir, scratch_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Makes the directory; exits with 99 (a hard error for automake) if it cannot. */
static inline void scratch_init(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(scratch_dir, sizeof scratch_dir, "%s/axon-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(scratch_dir)) {
		perror("mkdtemp");
		exit(99);
	}
	atexit(scratch_remove);
	alarm(120); /* a test that hangs fails instead of stalling make check */
}

/* The path of name inside the scratch directory, in a static buffer. */
static inline const char *scratch_path(const char *name)
{
	static char path[4200];
	snprintf(path, sizeof path, "%s/%s", scratch_dir, name);
	return path;
}

static inline sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;
	if (sqlite3_open(path, &db) != SQLITE_OK) {
		fprintf(stderr, "raw open of %s: %s\n", path, sqlite3_errmsg(db));
		exit(99);
	}
	return db;
}

/* The first column of the first row of sql, -1 on error. */
static inline int64_t raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
		return -1;
	}
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

static inline const char *raw_text(sqlite3 *db, const char *sql)
{
	static char buf[256];
	sqlite3_stmt *stmt;
	buf[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return "(error)";
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return buf;
}

#endif
