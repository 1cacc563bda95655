/* make bench, knowledge bases: brute-force search (store_kb_search) over N
 * chunks (default 100,000) of D-dimension embeddings (default 768, as
 * nomic-embed-text gives), stored in a real SQLite file. Prints the time to
 * add them, the file's size and the time of a top-5 search, cold (first) and
 * warm (median of the next ones). See docs/performance.md, "Knowledge bases". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "store/store.h"
#include "../store/scratch.h"

#define PER_DOCUMENT 1000
#define SEARCHES 11

static int by_value(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000, dims = argc > 2 ? atol(argv[2]) : 768;
	const char *path;
	char err[512];
	struct store *st;
	int64_t kb, doc;
	if (n < PER_DOCUMENT || dims < 1)
		return 2;
	scratch_init();
	path = scratch_path("axon.db");
	if (store_open(path, &st, err, sizeof err) != STORE_OK || store_setup_owner(st, "bench", "x", &kb) != STORE_OK ||
	    store_kb_create(st, kb, "bench", 0, &kb) != STORE_OK) {
		fprintf(stderr, "knowledge-bench: %s\n", err);
		return 1;
	}
	float *v = malloc((size_t)PER_DOCUMENT * (size_t)dims * sizeof *v);
	json_t *chunks = json_array();
	for (int i = 0; i < PER_DOCUMENT; i++)
		json_array_append_new(chunks, json_string("A chunk of about a paragraph, as a knowledge base keeps them: "
		                                          "five hundred characters would be usual; the text is not what is measured."));
	srand(1);
	int64_t t0 = mono_ms();
	for (long d = 0; d < n / PER_DOCUMENT; d++) {
		for (long i = 0; i < PER_DOCUMENT * dims; i++)
			v[i] = (float)((double)rand() / RAND_MAX - 0.5);
		if (store_kb_document_add(st, kb, "doc", "bench", chunks, v, (int)dims, 0, &doc) != STORE_OK) {
			fprintf(stderr, "knowledge-bench: %s\n", store_errmsg(st));
			return 1;
		}
	}
	int64_t added = mono_ms() - t0, times[SEARCHES];
	struct stat sb;
	stat(path, &sb);
	for (int s = 0; s < SEARCHES; s++) {
		json_t *hits;
		t0 = mono_ms();
		if (store_kb_search(st, kb, v + s * dims, (int)dims, 5, &hits) != STORE_OK)
			return 1;
		times[s] = mono_ms() - t0;
		json_decref(hits);
	}
	int64_t cold = times[0];
	qsort(times + 1, SEARCHES - 1, sizeof times[0], by_value);
	printf("knowledge bases: %ld chunks of %ld dimensions added in %lld ms, file %.0f MB; top-5 search %lld ms cold, %lld ms warm (median of %d)\n",
	       n, dims, (long long)added, sb.st_size / 1e6, (long long)cold, (long long)times[SEARCHES / 2], SEARCHES - 1);
	json_decref(chunks);
	free(v);
	store_close(st);
	return 0;
}
