# tests/store: the SQLite layer, against real files in a scratch directory.
store_tests = tests/store/test_migrations tests/store/test_store tests/store/test_failures tests/store/test_runs \
	tests/store/test_group_commit tests/store/test_credentials tests/store/test_knowledge tests/store/test_wal_batch
check_PROGRAMS += $(store_tests)
TESTS += $(store_tests)
tests_store_test_migrations_SOURCES = tests/store/test_migrations.c tests/store/scratch.h
tests_store_test_migrations_LDADD = $(AXON_TEST_LDADD)
tests_store_test_store_SOURCES = tests/store/test_store.c tests/store/scratch.h
tests_store_test_store_LDADD = $(AXON_TEST_LDADD)
tests_store_test_failures_SOURCES = tests/store/test_failures.c tests/store/scratch.h
tests_store_test_failures_LDADD = $(AXON_TEST_LDADD)
tests_store_test_runs_SOURCES = tests/store/test_runs.c tests/store/scratch.h
tests_store_test_runs_LDADD = $(AXON_TEST_LDADD)
tests_store_test_group_commit_SOURCES = tests/store/test_group_commit.c tests/store/scratch.h
tests_store_test_group_commit_LDADD = $(AXON_TEST_LDADD)
tests_store_test_credentials_SOURCES = tests/store/test_credentials.c tests/store/scratch.h
tests_store_test_credentials_LDADD = $(AXON_TEST_LDADD)
tests_store_test_knowledge_SOURCES = tests/store/test_knowledge.c tests/store/scratch.h
tests_store_test_knowledge_LDADD = $(AXON_TEST_LDADD)
tests_store_test_wal_batch_SOURCES = tests/store/test_wal_batch.c tests/store/scratch.h
tests_store_test_wal_batch_LDADD = $(AXON_TEST_LDADD)

# make bench: brute-force search over 100,000 chunks (docs/performance.md).
check_PROGRAMS += tests/bench/knowledge-bench
tests_bench_knowledge_bench_SOURCES = tests/bench/knowledge-bench.c
tests_bench_knowledge_bench_LDADD = $(AXON_TEST_LDADD)
bench_scripts += tests/bench/knowledge-bench.sh
EXTRA_DIST += tests/bench/knowledge-bench.sh
