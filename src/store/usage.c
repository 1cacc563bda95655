/* What the database holds now, for /metrics and the dashboard: the size of
 * its files, the pages that pruning has freed, the runs waiting and running. */
#include <sys/stat.h>

#include "db.h"
#include "strbuf.h"

static int64_t file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

int store_disk_usage(struct store *st, struct store_disk *out)
{
	if (st->pg) {
		/* PostgreSQL's own VACUUM reuses freed space: only the size is told. */
		*out = (struct store_disk){ 0 };
		return db_int(st, &out->file_bytes, "SELECT pg_database_size(current_database())", "");
	}
	int64_t page_size, free_pages;
	int rc = db_int(st, &page_size, "PRAGMA page_size", "");
	if (rc == STORE_OK)
		rc = db_int(st, &free_pages, "PRAGMA freelist_count", "");
	if (rc != STORE_OK)
		return rc;
	struct strbuf wal = STRBUF_INIT;
	sb_printf(&wal, "%s-wal", st->path);
	out->file_bytes = file_size(st->path);
	out->wal_bytes = file_size(wal.data);
	out->free_pages = free_pages;
	out->free_bytes = free_pages * page_size;
	sb_free(&wal);
	return STORE_OK;
}

int run_backlog(struct store *st, int64_t *queued, int64_t *running)
{
	/* The IN term lets SQLite use the partial index of unfinished runs. */
	int rc = db_int(st, queued, "SELECT count(*) FROM runs WHERE status IN ('queued', 'running') AND status = 'queued'", "");
	return rc == STORE_OK ? db_int(st, running, "SELECT count(*) FROM runs WHERE status IN ('queued', 'running')"
				       " AND status = 'running'", "") : rc;
}

int store_run_backlog(struct store *st, int64_t *queued, int64_t *running)
{
	int rc = db_begin_read(st);
	return rc == STORE_OK ? db_finish(st, run_backlog(st, queued, running)) : rc;
}
