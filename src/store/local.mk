# store/: SQLite, or PostgreSQL for several nodes. Knows nothing about the web.
src_libaxon_a_SOURCES += \
	src/store/store.h \
	src/store/db.c src/store/db.h src/store/db_sqlite.c src/store/db_pg.c src/store/pg_sql.c \
	src/store/group_commit.c \
	src/store/notify.c \
	src/store/checkpoint.c \
	src/store/wal_batch.c src/store/wal_batch.h \
	src/store/migrations.c src/store/migrations_pg.c src/store/migrations_pg.h \
	src/store/users.c \
	src/store/sessions.c \
	src/store/workflows.c \
	src/store/block_artifacts.c \
	src/store/runs.c \
	src/store/audit.c \
	src/store/throttle.c \
	src/store/usage.c \
	src/store/run_stats.c \
	src/store/credentials.c \
	src/store/second_factor.c \
	src/store/backup.c \
	src/store/copy.c \
	src/store/knowledge.c src/store/chunking.c \
	src/store/tokens.c
