/* A VFS that gathers a transaction's WAL writes into one system call
 * (wal_batch.c). */
#ifndef AXON_STORE_WAL_BATCH_H
#define AXON_STORE_WAL_BATCH_H
#include <sqlite3.h>

#define WAL_BATCH_VFS "axon-wal-batch"

/* The VFS's name for sqlite3_open_v2, registered on first use; NULL if it
 * could not be (SQLite's default VFS is then used). */
const char *wal_batch_vfs(void);

#endif
