/* tests/sandbox/http_server.py for the C tests: started on a free loopback
 * port, and stopped. */
#ifndef AXON_TEST_HTTP_SERVER_H
#define AXON_TEST_HTTP_SERVER_H
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* tests/sandbox/http_server.py, started; its port in *port (0 if it did
 * not start). */
static inline pid_t start_server(int *port)
{
	const char *top = getenv("top_srcdir");
	char script[1024];
	int fds[2];
	*port = 0;
	snprintf(script, sizeof script, "%s/tests/sandbox/http_server.py", top ? top : ".");
	if (pipe(fds) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execlp("python3", "python3", script, (char *)NULL);
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

static inline void stop_server(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

#endif
