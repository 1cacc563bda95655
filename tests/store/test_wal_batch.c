/* The WAL-gathering VFS (src/store/wal_batch.c): every commit is seen at once
 * by another connection on SQLite's own VFS, through restarts of the log,
 * transactions that spill pages into the log and overwrite them (SQLite then
 * rewrites the frames' checksums), and rollbacks; a process that dies after
 * its commit leaves it whole; and a commit of many pages costs one or two
 * write calls instead of two per page. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/wal_batch.h"
#include "../testlib.h"
#include "scratch.h"

static sqlite3 *open_db(const char *path, const char *vfs)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
	CHECK(rc == SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK)
		fprintf(stderr, "%s: %s\n", sql, err ? err : sqlite3_errstr(rc));
	CHECK(rc == SQLITE_OK);
	sqlite3_free(err);
}

static sqlite3_int64 one(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	sqlite3_int64 v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* Write system calls made by this process so far (/proc/self/io), -1 if unknown. */
static long long write_calls(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	char line[128];
	long long n = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "syscw: %lld", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

int main(void)
{
	scratch_init();
	char path[4200];
	snprintf(path, sizeof path, "%s/wal.db", scratch_dir);
	CHECK(wal_batch_vfs() != NULL);
	sqlite3 *a = open_db(path, wal_batch_vfs()), *b = open_db(path, NULL);
	exec(a, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;"
		"CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)");

	/* Each commit is seen by the other connection at once, through restarts of the log. */
	int seen = 1;
	for (int i = 1; i <= 300; i++) {
		exec(a, "BEGIN; INSERT INTO t (body) VALUES (randomblob(3000)), (randomblob(3000)); COMMIT");
		seen &= one(b, "SELECT count(*) FROM t") == 2 * i;
		if (i % 50 == 0)
			exec(b, "PRAGMA wal_checkpoint(RESTART)");
	}
	CHECK(seen);

	/* A transaction larger than the page cache spills pages into the log and
	 * overwrites them before it commits. */
	exec(a, "PRAGMA cache_size = 4; BEGIN;"
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)"
		" INSERT INTO t (body) SELECT randomblob(2000) FROM n;"
		"UPDATE t SET body = zeroblob(1500) WHERE id > 600; UPDATE t SET body = zeroblob(1700) WHERE id > 600;"
		"COMMIT");
	CHECK(one(b, "SELECT count(*) FROM t") == 1000);
	CHECK(one(b, "SELECT sum(length(body)) FROM t WHERE id > 600") == 400 * 1700);

	/* A spilled transaction rolled back leaves nothing; the next commit is whole. */
	exec(a, "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)"
		" INSERT INTO t (body) SELECT randomblob(2000) FROM n; ROLLBACK;"
		"INSERT INTO t (body) VALUES (x'0102')");
	CHECK(one(b, "SELECT count(*) FROM t") == 1001);
	CHECK(one(b, "SELECT length(body) FROM t ORDER BY id DESC LIMIT 1") == 2);

	/* A commit of a dozen pages: one or two writes, not two per page. */
	exec(a, "PRAGMA cache_size = 2000");
	long long before = write_calls();
	exec(a, "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)"
		" INSERT INTO t (body) SELECT randomblob(3000) FROM n; COMMIT");
	long long after = write_calls();
	if (before < 0)
		printf("# /proc/self/io cannot be read here: the count of writes is not checked\n");
	else {
		printf("# a commit of 10 rows of 3000 bytes took %lld write calls\n", after - before);
		CHECK(after - before <= 2);
	}
	CHECK(one(b, "SELECT count(*) FROM t") == 1011);

	sqlite3_close(a);
	sqlite3_close(b);

	/* A process that dies right after a commit (here one whose checksums
	 * SQLite rewrote, and which no sync follows, as in axond) has left it
	 * whole in the file: read afresh by SQLite
	 * alone, with the shared index made again from the log, whose checksums
	 * it verifies frame by frame. */
	pid_t pid = fork();
	if (pid == 0) {
		sqlite3 *x = NULL;
		int rc = sqlite3_open_v2(path, &x, SQLITE_OPEN_READWRITE, wal_batch_vfs());
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(x, "PRAGMA synchronous = NORMAL; PRAGMA cache_size = 4; BEGIN;"
				"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)"
				" INSERT INTO t (body) SELECT randomblob(2000) FROM n;"
				"UPDATE t SET body = zeroblob(1800) WHERE id > 1011; COMMIT", NULL, NULL, NULL);
		_exit(rc == SQLITE_OK ? 0 : 1);
	}
	int status = -1;
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	char shm[4300];
	snprintf(shm, sizeof shm, "%s-shm", path);
	CHECK(unlink(shm) == 0);
	sqlite3 *c = open_db(path, NULL);
	sqlite3_stmt *stmt = NULL;
	CHECK(sqlite3_prepare_v2(c, "PRAGMA integrity_check", -1, &stmt, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(stmt) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(stmt, 0), "ok");
	sqlite3_finalize(stmt);
	CHECK(one(c, "SELECT count(*) FROM t") == 1411);
	CHECK(one(c, "SELECT sum(length(body)) FROM t WHERE id > 1011") == 400 * 1800);
	sqlite3_close(c);
	return t_done("test_wal_batch");
}
