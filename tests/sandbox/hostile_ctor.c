/* A plugin whose constructor (or destructor) tries one thing that plugin code
 * must never do unconfined; built once per HOSTILE_CTOR value. Its one block's
 * description says what the constructor got, so that a test can see that
 * nothing leaked into the registry. */
#include <axon/block.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CTOR_WRITE 1
#define CTOR_READ 2
#define CTOR_TCP 3
#define CTOR_UNIX 4
#define CTOR_FORK 5
#define CTOR_EXEC 6
#define CTOR_CRASH 7
#define CTOR_HANG 8
#define DTOR_WRITE 9

static char said[256] = "the constructor did not run";

__attribute__((constructor)) static void hostile_constructor(void)
{
	int fd = -1;
	switch (HOSTILE_CTOR) {
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
	default: /* DTOR_WRITE: its destructor does the harm */
		break;
	}
	snprintf(said, sizeof said, "the constructor got fd %d", fd);
}

__attribute__((destructor)) static void hostile_destructor(void)
{
	if (HOSTILE_CTOR == DTOR_WRITE) {
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

#define STR2(x) #x
#define STR(x) STR2(x)
static const struct axon_block blocks[] = {
	{ .name = "ctor.case_" STR(HOSTILE_CTOR), .version = "1.0.0", .title = "constructor", .description = said,
	  .category = "test", .outputs = out_ports, .run = noop },
};

AXON_PLUGIN("ctor", blocks)
