/* No plugin code runs unconfined: each plugin is loaded by a worker under the
 * loader policy and Landlock, so a constructor that writes a file, reads
 * axond's data, opens a socket, forks, execs, crashes or hangs gets its
 * plugin skipped with the reason (or reads nothing), and the daemon is
 * untouched. A destructor never runs at all. */
#include "build-config.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../testlib.h"
#include "config.h"
#include "log.h"
#include "sandbox/sandbox.h"
#include "strbuf.h"

static const char *skip_reason(json_t *reg, const char *file)
{
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(reg, "skipped"), i, s)
		if (strstr(json_string_value(json_object_get(s, "path")), file))
			return json_string_value(json_object_get(s, "error"));
	return "";
}

static int listener(int family)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int rc;
	if (family == AF_INET) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(47321), .sin_addr = { htonl(0x7f000001) } };
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		rc = bind(fd, (struct sockaddr *)&a, sizeof a);
	} else {
		struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = "/tmp/axon-ctor.sock" };
		unlink(a.sun_path);
		rc = bind(fd, (struct sockaddr *)&a, sizeof a);
	}
	if (rc < 0 || listen(fd, 4) < 0) {
		printf("# could not listen (%s): connections are not checked\n", family == AF_INET ? "tcp" : "unix");
		close(fd);
		return -1;
	}
	return fd;
}

static int connected(int fd)
{
	if (fd < 0)
		return 0;
	int c = accept(fd, NULL, NULL);
	if (c >= 0)
		close(c);
	return c >= 0;
}

int main(void)
{
	const char *top = getenv("top_builddir");
	struct config c;
	log_open("stderr", LOG_LVL_ERROR);
	config_defaults(&c);
	static const char *const files[] = { "ctor_write", "ctor_read", "ctor_tcp", "ctor_unix", "ctor_fork",
	                                     "ctor_exec", "ctor_crash", "ctor_hang", "dtor_write" };
	/* One plugin, installed under a name per behaviour. */
	char dir[] = "/tmp/axon-ctor-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct strbuf cmd = STRBUF_INIT;
		sb_printf(&cmd, "install -m 0644 '%s/tests/sandbox/ctor/.libs/hostile_ctor.so' '%s/%s.so'", top ? top : ".", dir, files[i]);
		CHECK(system(sb_str(&cmd)) == 0);
		sb_free(&cmd);
	}
	snprintf(c.plugin_dirs, sizeof c.plugin_dirs, "%s", dir);
	unlink("/tmp/axon-ctor-was-here");
	int secret = open("/tmp/axon-ctor-secret", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(secret >= 0 && write(secret, "database contents", 17) == 17);
	close(secret);
	int tcp = listener(AF_INET), unx = listener(AF_UNIX);

	char err[600];
	struct sandbox *sb = sandbox_start(&c, err, sizeof err);
	CHECK(sb != NULL);
	if (!sb)
		return t_done("test_plugin_load");
	json_t *reg = sandbox_registry(sb);
	char *shown = json_dumps(json_object_get(reg, "skipped"), JSON_INDENT(1));
	printf("%s\n", shown);
	free(shown);
	CHECK_CONTAINS(skip_reason(reg, "ctor_write.so"), "'openat'");
	CHECK_CONTAINS(skip_reason(reg, "ctor_tcp.so"), "'socket'");
	CHECK_CONTAINS(skip_reason(reg, "ctor_unix.so"), "'socket'");
	CHECK_CONTAINS(skip_reason(reg, "ctor_fork.so"), "'clone'");
	CHECK_CONTAINS(skip_reason(reg, "ctor_exec.so"), "'execve'");
#ifdef AXON_SANITIZERS
	/* The sanitizer's SEGV handler starts its report, which the policy refuses. */
	CHECK_CONTAINS(skip_reason(reg, "ctor_crash.so"), "may not make");
#else
	CHECK_CONTAINS(skip_reason(reg, "ctor_crash.so"), "SIGSEGV");
#endif
	CHECK_CONTAINS(skip_reason(reg, "ctor_hang.so"), "longer than");
	/* The reader and the destructor load; the reader read nothing. */
	CHECK_STR(skip_reason(reg, "ctor_read.so"), "");
	CHECK_STR(skip_reason(reg, "dtor_write.so"), "");
	json_t *blocks = json_object_get(reg, "blocks");
	CHECK(json_array_size(blocks) == 2);
	size_t i;
	json_t *b;
	json_array_foreach(blocks, i, b) {
		const char *d = json_string_value(json_object_get(b, "description"));
		printf("%s: %s\n", json_string_value(json_object_get(b, "name")), d);
		CHECK(strstr(d, "database contents") == NULL);
	}
	json_decref(reg);
	/* A run of the reader: its constructor ran again in the worker, confined. */
	struct run_limits warm = { .domain = "workflow 1" };
	struct run_result r;
	sandbox_run(sb, "ctor.ctor_read", NULL, NULL, &warm, &r);
	CHECK(r.outcome == RUN_OK);
	CHECK(strstr(json_string_value(json_object_get(r.outputs, "out")) ?: "database contents", "database contents") == NULL);
	run_result_free(&r);
	sandbox_run(sb, "ctor.dtor_write", NULL, NULL, &warm, &r);
	CHECK(r.outcome == RUN_OK);
	run_result_free(&r);
	sandbox_stop(sb);
	CHECK(access("/tmp/axon-ctor-was-here", F_OK) < 0);
	CHECK(!connected(tcp));
	CHECK(!connected(unx));
	if (tcp >= 0)
		close(tcp);
	if (unx >= 0)
		close(unx);
	unlink("/tmp/axon-ctor.sock");
	unlink("/tmp/axon-ctor-secret");
	struct strbuf rm = STRBUF_INIT;
	sb_printf(&rm, "rm -rf '%s'", dir);
	CHECK(system(sb_str(&rm)) == 0);
	sb_free(&rm);
	return t_done("test_plugin_load");
}
