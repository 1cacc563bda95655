/* A test's local server on 127.0.0.1 for the C tests: a python3 script
 * under top_srcdir that prints its port and serves until killed
 * (tests/sandbox/http_server.py, the language model stand-in), started on a
 * free loopback port, and stopped. */
#ifndef AXON_TEST_HTTP_SERVER_H
#define AXON_TEST_HTTP_SERVER_H
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* The script (a path under top_srcdir) started with one argument (or NULL);
 * its port in *port (0 if it did not start). */
static inline pid_t start_script_server(const char *script, const char *arg, int *port)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	int fds[2];
	*port = 0;
	snprintf(path, sizeof path, "%s/%s", top ? top : ".", script);
	if (pipe(fds) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execlp("python3", "python3", path, arg, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	FILE *f = fdopen(fds[0], "r");
	if (f) {
		if (fscanf(f, "%d", port) != 1)
			*port = 0;
		fclose(f);
	}
	return pid;
}

/* tests/sandbox/http_server.py, started. */
static inline pid_t start_server(int *port)
{
	return start_script_server("tests/sandbox/http_server.py", NULL, port);
}

static inline void stop_server(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

#endif
