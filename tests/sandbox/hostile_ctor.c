/* A plugin whose constructor (or destructor) tries one thing that plugin code
 * must never do unconfined, chosen by the name it is installed under
 * (ctor_write.so, ctor_read.so...: dladdr() tells it, with no system call).
 * Its one block, named after the case, says in its description what the
 * constructor got, so that a test can see that nothing leaked into the
 * registry. */
#include <axon/block.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum { CTOR_NONE, CTOR_WRITE, CTOR_READ, CTOR_TCP, CTOR_UNIX, CTOR_FORK, CTOR_EXEC, CTOR_CRASH, CTOR_HANG, DTOR_WRITE };
static const char *const case_names[] = { "none", "ctor_write", "ctor_read", "ctor_tcp", "ctor_unix", "ctor_fork",
                                          "ctor_exec", "ctor_crash", "ctor_hang", "dtor_write" };

static char said[256] = "the constructor did not run";
static int which;
static char block_name[64] = "ctor.none";

static int installed_as(void)
{
	Dl_info info;
	if (!dladdr((void *)installed_as, &info) || !info.dli_fname)
		return CTOR_NONE;
	const char *base = strrchr(info.dli_fname, '/');
	base = base ? base + 1 : info.dli_fname;
	for (int i = 1; i <= DTOR_WRITE; i++)
		if (!strncmp(base, case_names[i], strlen(case_names[i])) && !strcmp(base + strlen(case_names[i]), ".so"))
			return i;
	return CTOR_NONE;
}

__attribute__((constructor)) static void hostile_constructor(void)
{
	int fd = -1;
	which = installed_as();
	snprintf(block_name, sizeof block_name, "ctor.%s", case_names[which]);
	switch (which) {
	case CTOR_WRITE:
		fd = open("/tmp/axon-ctor-was-here", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		break;
	case CTOR_READ: {
		char buf[128] = "";
		fd = open("/tmp/axon-ctor-secret", O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
		snprintf(said, sizeof said, "read %zd bytes: %s", n, n > 0 ? buf : "nothing");
		return;
	}
	case CTOR_TCP: {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(47321), .sin_addr = { htonl(0x7f000001) } };
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0)
			connect(fd, (struct sockaddr *)&a, sizeof a);
		break;
	}
	case CTOR_UNIX: {
		struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = "/tmp/axon-ctor.sock" };
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd >= 0)
			connect(fd, (struct sockaddr *)&a, sizeof a);
		break;
	}
	case CTOR_FORK:
		if (fork() == 0)
			_exit(0);
		break;
	case CTOR_EXEC:
		execl("/bin/sh", "sh", "-c", "touch /tmp/axon-ctor-was-here", (char *)NULL);
		break;
	case CTOR_CRASH: {
		volatile int *volatile p = NULL;
		*p = 1;
		break;
	}
	case CTOR_HANG:
		for (volatile unsigned long i = 0;; i++)
			;
	default: /* DTOR_WRITE: its destructor does the harm; CTOR_NONE: nothing */
		break;
	}
	snprintf(said, sizeof said, "the constructor got fd %d", fd);
}

__attribute__((destructor)) static void hostile_destructor(void)
{
	if (which == DTOR_WRITE) {
		int fd = open("/tmp/axon-ctor-was-here", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0)
			close(fd);
	}
}

static int noop(struct axon_ctx *ctx, const json_t *in, const json_t *cfg)
{
	return axon_emit(ctx, "out", json_string(said)) == 0 ? AXON_OK : AXON_FAIL;
}

static const struct axon_port out_ports[] = { { "out", "what the constructor got" }, { NULL, NULL } };

static const struct axon_block blocks[] = {
	{ .name = block_name, .version = "1.0.0", .title = "constructor", .description = said,
	  .category = "test", .outputs = out_ports, .run = noop },
};

AXON_PLUGIN("ctor", blocks)
