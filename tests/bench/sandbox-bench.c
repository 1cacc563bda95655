/* The per-block overhead of the sandbox, measured in one run with its
 * baselines, each pair alternating so that both see the same machine:
 * a no-op block in strict mode (a fresh confined process from the zygote)
 * next to a bare fork+exit+waitpid of a process as big as the zygote, and a
 * no-op block in a warm worker next to a round trip over a pipe to a process
 * that is already running. Prints the figures of docs/performance.md. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "sandbox/sandbox.h"
#include "strbuf.h"

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static long rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
	qsort(v, (size_t)n, sizeof *v, by_value);
	return v[(int)(p * (n - 1))];
}

/* The baseline: a helper grown to target_kb of RSS that, for each byte it
 * reads, times one fork+_exit+waitpid and writes the microseconds back. The
 * two measurements alternate, so both see the same load on the machine. */
struct helper {
	pid_t pid;
	int to, from;
};

static void helper_start(struct helper *h, long target_kb)
{
	int down[2], up[2];
	if (pipe(down) < 0 || pipe(up) < 0)
		exit(1);
	h->pid = fork();
	if (h->pid == 0) {
		close(down[1]);
		close(up[0]);
		long have = rss_kb(getpid());
		if (target_kb > have) {
			size_t extra = (size_t)(target_kb - have) * 1024;
			static char *volatile ballast; /* volatile: the memset must happen */
			ballast = malloc(extra);
			memset(ballast, 1, extra);
		}
		char c;
		while (read(down[0], &c, 1) == 1) {
			double t[2] = { 0, 0 };
			if (c == 'p') { /* a round trip: answer at once */
				if (write(up[1], t, sizeof t) != sizeof t)
					_exit(1);
				continue;
			}
			t[0] = now_us();
			pid_t child = fork();
			if (child == 0)
				_exit(0);
			waitpid(child, NULL, 0);
			t[0] = now_us() - t[0];
			t[1] = (double)rss_kb(getpid());
			if (write(up[1], t, sizeof t) != sizeof t)
				_exit(1);
		}
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	h->to = down[1];
	h->from = up[0];
}

/* One timed fork in the helper; its RSS in *kb. */
static double helper_fork(struct helper *h, long *kb)
{
	double t[2] = { 0, 0 };
	if (write(h->to, "f", 1) != 1 || read(h->from, t, sizeof t) != sizeof t)
		fprintf(stderr, "the baseline helper failed\n");
	*kb = (long)t[1];
	return t[0];
}

/* One round trip over the pipes to the running helper, timed here. */
static double helper_ping(struct helper *h)
{
	double t[2], t0 = now_us();
	if (write(h->to, "p", 1) != 1 || read(h->from, t, sizeof t) != sizeof t)
		fprintf(stderr, "the baseline helper failed\n");
	return now_us() - t0;
}

static void helper_stop(struct helper *h)
{
	close(h->to);
	close(h->from);
	waitpid(h->pid, NULL, 0);
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 2000;
	struct config c;
	char err[600];
	if (argc < 2) {
		fprintf(stderr, "usage: sandbox-bench PLUGIN.so [RUNS]\n");
		return 64;
	}
	log_open("stderr", LOG_LVL_WARN);
	config_defaults(&c);
	snprintf(c.plugin_dirs, sizeof c.plugin_dirs, "%s", argv[1]);
	struct sandbox *sb = sandbox_start(&c, err, sizeof err);
	if (!sb) {
		fprintf(stderr, "sandbox_start: %s\n", err);
		return 1;
	}
	double *t = xmalloc(sizeof *t * (size_t)n), *base = xmalloc(sizeof *base * (size_t)n);
	double *warm = xmalloc(sizeof *warm * (size_t)n), *pipe_rt = xmalloc(sizeof *pipe_rt * (size_t)n);
	const struct run_limits in_workflow = { .domain = "bench" };
	int bad = 0;
	long bsize = 0;
	struct helper h;
	struct run_result r;
	for (int i = 0; i < 50; i++) { /* warm the caches; the zygote reaches its size */
		sandbox_run(sb, "hostile.noop", NULL, NULL, NULL, &r);
		run_result_free(&r);
	}
	helper_start(&h, rss_kb(sandbox_zygote_pid(sb)));
	for (int i = 0; i < n; i++) {
		double t0 = now_us();
		sandbox_run(sb, "hostile.noop", NULL, NULL, NULL, &r);
		t[i] = now_us() - t0;
		base[i] = helper_fork(&h, &bsize);
		bad += r.outcome != RUN_OK;
		run_result_free(&r);
		t0 = now_us();
		sandbox_run(sb, "hostile.noop", NULL, NULL, &in_workflow, &r);
		warm[i] = now_us() - t0;
		pipe_rt[i] = helper_ping(&h);
		bad += r.outcome != RUN_OK;
		run_result_free(&r);
	}
	helper_stop(&h);
	long zrss = rss_kb(sandbox_zygote_pid(sb));
	double s50 = pct(t, n, 0.5), s99 = pct(t, n, 0.99), b50 = pct(base, n, 0.5), b99 = pct(base, n, 0.99);
	double w50 = pct(warm, n, 0.5), w99 = pct(warm, n, 0.99), p50 = pct(pipe_rt, n, 0.5), p99 = pct(pipe_rt, n, 0.99);
	printf("sandbox: %d no-op runs in a warm worker: p50 %.0f us, p99 %.0f us\n", n, w50, w99);
	printf("sandbox: a round trip over a pipe to a running process, alternating with them: p50 %.0f us, p99 %.0f us\n", p50, p99);
	printf("sandbox: warm ratio p50 %.2f, p99 %.2f (a warm execution against the pipe round trip)\n", w50 / p50, w99 / p99);
	printf("sandbox: %d no-op runs in strict mode (a fresh process each): p50 %.0f us, p99 %.0f us (%d not ok in all)\n", n, s50, s99, bad);
	printf("sandbox: bare fork+exit+waitpid of a %ld kB process, alternating with them: p50 %.0f us, p99 %.0f us\n", bsize, b50, b99);
	printf("sandbox: strict ratio p50 %.2f, p99 %.2f (against the bare fork)\n", s50 / b50, s99 / b99);
	printf("sandbox: strict against warm: p50 %.1f times\n", s50 / w50);
	printf("sandbox: zygote RSS %ld kB (aim: under 8192 kB)\n", zrss);
	free(base);
	free(warm);
	free(pipe_rt);
	sandbox_stop(sb);
	free(t);
	return bad ? 1 : 0;
}
