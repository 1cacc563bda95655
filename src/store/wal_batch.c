/* A VFS over SQLite's own ("unix") that writes a transaction's WAL frames in
 * one system call. SQLite writes each frame as two writes, its 24-byte
 * header and its page: a run's end of a dozen pages made 23 pwrite calls, a
 * third of a request's system calls, each dear on a paravirtualised VM.
 *
 * Here the writes that append to a WAL file are gathered, and written
 * together once the commit frame's page comes: its header carries the
 * database's size in pages, zero in every other frame's. SQLite makes the
 * commit visible to other connections (in the shared index) only after that
 * page, so no one can read a frame still held here. A write before the end
 * of the last commit frame (SQLite rewriting the checksums of frames it
 * overwrote within the transaction, after its commit frame) is written at
 * once: held, it would wait past the commit.
 * Every other use of the file (a read, its size, a sync, a truncation, its
 * close) writes what is held first, so the file reads as if each write had
 * been made at once. A crash loses only frames of a transaction that had not
 * committed, which SQLite ignores anyway. Files other than WALs are SQLite's
 * own, untouched. */
#include "wal_batch.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FRAME_HEADER 24
/* A big transaction is written in pieces of at most this size: SQLite's unix
 * VFS writes less than 128 KiB per call. */
#define GATHER_MAX (64u << 10)

struct wal_file {
	sqlite3_file base;
	sqlite3_file *real; /* SQLite's file, in the same allocation after this struct */
	char *buf; /* GATHER_MAX bytes, once a write came */
	size_t len;
	sqlite3_int64 at;     /* the file offset of buf[0] */
	sqlite3_int64 committed; /* the end of the last commit frame it wrote; 0 when the log begins again */
	int commit_page_next; /* the last write was a commit frame's header */
};

static sqlite3_vfs batch_vfs;
static sqlite3_io_methods wal_methods;

static int flush(struct wal_file *f)
{
	if (!f->len)
		return SQLITE_OK;
	int rc = f->real->pMethods->xWrite(f->real, f->buf, (int)f->len, f->at);
	f->len = 0;
	return rc;
}

static int wal_write(sqlite3_file *file, const void *data, int amt, sqlite3_int64 off)
{
	struct wal_file *f = (struct wal_file *)file;
	int commit = f->commit_page_next;
	f->commit_page_next = 0;
	if (off == 0)
		f->committed = 0; /* the log's header: it begins again from the start */
	int over = off < f->committed || (size_t)amt > GATHER_MAX;
	if (f->len && (over || off != f->at + (sqlite3_int64)f->len || f->len + (size_t)amt > GATHER_MAX)) {
		int rc = flush(f);
		if (rc != SQLITE_OK)
			return rc;
	}
	if (over)
		return f->real->pMethods->xWrite(f->real, data, amt, off);
	if (!f->buf && !(f->buf = malloc(GATHER_MAX)))
		return f->real->pMethods->xWrite(f->real, data, amt, off);
	if (!f->len)
		f->at = off;
	memcpy(f->buf + f->len, data, (size_t)amt);
	f->len += (size_t)amt;
	if (amt == FRAME_HEADER) {
		const unsigned char *h = data;
		f->commit_page_next = (h[4] | h[5] | h[6] | h[7]) != 0;
		return SQLITE_OK;
	}
	if (!commit)
		return SQLITE_OK;
	f->committed = off + amt;
	return flush(f);
}

static int wal_close(sqlite3_file *file)
{
	struct wal_file *f = (struct wal_file *)file;
	int rc = flush(f);
	int closed = f->real->pMethods->xClose(f->real);
	free(f->buf);
	f->buf = NULL;
	return rc != SQLITE_OK ? rc : closed;
}

static int wal_read(sqlite3_file *file, void *data, int amt, sqlite3_int64 off)
{
	struct wal_file *f = (struct wal_file *)file;
	int rc = flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, data, amt, off);
}

static int wal_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct wal_file *f = (struct wal_file *)file;
	int rc = flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int wal_sync(sqlite3_file *file, int flags)
{
	struct wal_file *f = (struct wal_file *)file;
	int rc = flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int wal_size(sqlite3_file *file, sqlite3_int64 *size)
{
	struct wal_file *f = (struct wal_file *)file;
	int rc = flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

/* The rest are SQLite's own, on its file. */
#define REAL(file) (((struct wal_file *)(file))->real)
static int wal_lock(sqlite3_file *file, int lock)
{
	return REAL(file)->pMethods->xLock(REAL(file), lock);
}

static int wal_unlock(sqlite3_file *file, int lock)
{
	return REAL(file)->pMethods->xUnlock(REAL(file), lock);
}

static int wal_reserved(sqlite3_file *file, int *out)
{
	return REAL(file)->pMethods->xCheckReservedLock(REAL(file), out);
}

static int wal_control(sqlite3_file *file, int op, void *arg)
{
	return REAL(file)->pMethods->xFileControl(REAL(file), op, arg);
}

static int wal_sector(sqlite3_file *file)
{
	return REAL(file)->pMethods->xSectorSize(REAL(file));
}

static int wal_device(sqlite3_file *file)
{
	return REAL(file)->pMethods->xDeviceCharacteristics(REAL(file));
}
#undef REAL

static int batch_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
	sqlite3_vfs *real_vfs = vfs->pAppData;
	if (!(flags & SQLITE_OPEN_WAL))
		return real_vfs->xOpen(real_vfs, name, file, flags, out_flags); /* the file is SQLite's own */
	struct wal_file *f = (struct wal_file *)file;
	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)(f + 1);
	int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
	f->base.pMethods = rc == SQLITE_OK && f->real->pMethods ? &wal_methods : NULL;
	return rc;
}

/* Everything but opening a file is the real VFS's. */
#define PASS(name, ...) ((sqlite3_vfs *)vfs->pAppData)->name((sqlite3_vfs *)vfs->pAppData, __VA_ARGS__)
static int batch_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	return PASS(xDelete, name, sync);
}

static int batch_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	return PASS(xAccess, name, flags, out);
}

static int batch_full_path(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	return PASS(xFullPathname, name, n, out);
}

static void *batch_dl_open(sqlite3_vfs *vfs, const char *name)
{
	return PASS(xDlOpen, name);
}

static void batch_dl_error(sqlite3_vfs *vfs, int n, char *out)
{
	PASS(xDlError, n, out);
}

static void (*batch_dl_sym(sqlite3_vfs *vfs, void *lib, const char *sym))(void)
{
	return PASS(xDlSym, lib, sym);
}

static void batch_dl_close(sqlite3_vfs *vfs, void *lib)
{
	PASS(xDlClose, lib);
}

static int batch_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	return PASS(xRandomness, n, out);
}

static int batch_sleep(sqlite3_vfs *vfs, int us)
{
	return PASS(xSleep, us);
}

static int batch_time(sqlite3_vfs *vfs, double *out)
{
	return PASS(xCurrentTime, out);
}

static int batch_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	return PASS(xGetLastError, n, out);
}

static int batch_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	return PASS(xCurrentTimeInt64, out);
}
#undef PASS

static int registered = SQLITE_ERROR;

static void register_once(void)
{
	sqlite3_vfs *real = sqlite3_vfs_find(NULL);
	if (!real || real->iVersion < 2)
		return;
	wal_methods = (sqlite3_io_methods){ .iVersion = 1, .xClose = wal_close, .xRead = wal_read,
		.xWrite = wal_write, .xTruncate = wal_truncate, .xSync = wal_sync, .xFileSize = wal_size,
		.xLock = wal_lock, .xUnlock = wal_unlock, .xCheckReservedLock = wal_reserved,
		.xFileControl = wal_control, .xSectorSize = wal_sector, .xDeviceCharacteristics = wal_device };
	batch_vfs = (sqlite3_vfs){ .iVersion = 2, .mxPathname = real->mxPathname, .zName = WAL_BATCH_VFS,
		.pAppData = real, .xOpen = batch_open, .xDelete = batch_delete, .xAccess = batch_access,
		.xFullPathname = batch_full_path, .xDlOpen = batch_dl_open, .xDlError = batch_dl_error,
		.xDlSym = batch_dl_sym, .xDlClose = batch_dl_close, .xRandomness = batch_randomness,
		.xSleep = batch_sleep, .xCurrentTime = batch_time, .xGetLastError = batch_last_error,
		.xCurrentTimeInt64 = batch_time64 };
	/* A file of ours is our header followed by SQLite's own. */
	size_t size = sizeof(struct wal_file) + (size_t)real->szOsFile;
	batch_vfs.szOsFile = (int)(size > (size_t)real->szOsFile ? size : (size_t)real->szOsFile);
	registered = sqlite3_vfs_register(&batch_vfs, 0);
}

const char *wal_batch_vfs(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, register_once);
	return registered == SQLITE_OK ? WAL_BATCH_VFS : NULL;
}
