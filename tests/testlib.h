/* A tiny test harness: CHECK never stops a test, so one run shows every
 * failure; each failure names the file and line. Exit code for automake. */
#ifndef AXON_TESTLIB_H
#define AXON_TESTLIB_H
#include <stdio.h>
#include <string.h>

static int t_checks, t_failures;

#define CHECK(cond) do { t_checks++; if (!(cond)) { t_failures++; \
	fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(got, want) do { const char *g_ = (got), *w_ = (want); t_checks++; \
	if (!g_ || strcmp(g_, w_)) { t_failures++; fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", \
	__FILE__, __LINE__, g_ ? g_ : "(null)", w_); } } while (0)
#define CHECK_CONTAINS(got, want) do { const char *g_ = (got), *w_ = (want); t_checks++; \
	if (!g_ || !strstr(g_, w_)) { t_failures++; fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", \
	__FILE__, __LINE__, g_ ? g_ : "(null)", w_); } } while (0)

static inline int t_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, t_checks, t_failures);
	return t_failures ? 1 : (t_checks ? 0 : 99);
}

#endif
