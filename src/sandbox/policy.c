/* The whole Linux policy of a block's child, in one screen. A block computes
 * on JSON; the only way out is its channel to the daemon. Every call not in
 * the list traps (SIGSYS): the child reports it by name as a violation and
 * exits. A call of another ABI kills at once. */
#include "build-config.h"
#include "sandbox/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sandbox/protocol.h"

enum arg_rule {
	ANY,     /* any arguments */
	CHANNEL, /* only on the channel: arg0 == CHILD_CHANNEL_FD */
	NO_EXEC, /* memory that is never executable: arg2 without PROT_EXEC */
};

struct allow {
	const char *name;
	enum arg_rule rule;
	const char *why;
};

static const struct allow allow_list[] = {
	{ "read", CHANNEL, "answers from the daemon" },
	{ "write", CHANNEL, "frames to the daemon" },
	{ "close", ANY, "closing its own fds reaches nothing; libc does it" },
	{ "brk", ANY, "malloc" },
	{ "mmap", NO_EXEC, "malloc of large blocks; never executable memory" },
	{ "mprotect", NO_EXEC, "malloc arenas; never making memory executable" },
	{ "munmap", ANY, "free" },
	{ "mremap", ANY, "realloc of large blocks" },
	{ "madvise", ANY, "free giving memory back" },
	{ "futex", ANY, "libc locks" },
	{ "sched_yield", ANY, "spin locks" },
	{ "clock_gettime", ANY, "time, when the vDSO falls back to the kernel" },
	{ "gettimeofday", ANY, "time, likewise" },
	{ "clock_nanosleep", ANY, "waiting; the wall-clock limit bounds it" },
	{ "nanosleep", ANY, "waiting, likewise" },
	{ "getrandom", ANY, "random numbers; reads no file" },
	{ "getpid", ANY, "abort() and raise() signal their own process" },
	{ "gettid", ANY, "likewise" },
	{ "rt_sigprocmask", ANY, "abort() blocks signals before raising SIGABRT" },
	{ "rt_sigreturn", ANY, "returning from a signal handler" },
	{ "exit", ANY, "the end" },
	{ "exit_group", ANY, "the end" },
#ifdef AXON_SANITIZERS
	/* This build only: what the ASan/UBSan runtime does in a child. */
	{ "sigaltstack", ANY, "sanitizer: removes its signal stack when the process ends" },
#endif
};

static int add_rule(scmp_filter_ctx ctx, const struct allow *a, char *err, size_t errlen)
{
	int nr = seccomp_syscall_resolve_name(a->name);
	int rc;
	if (nr == __NR_SCMP_ERROR) {
		snprintf(err, errlen, "seccomp: no system call '%s' (%s) on this architecture", a->name, a->why);
		return -1;
	}
	/* Written out rather than with SCMP_A0(), whose two-field form leaves
	 * datum_b to the compiler's goodwill. */
	struct scmp_arg_cmp cmp = { 0 };
	switch (a->rule) {
	case CHANNEL:
		cmp = (struct scmp_arg_cmp){ .arg = 0, .op = SCMP_CMP_EQ, .datum_a = CHILD_CHANNEL_FD, .datum_b = 0 };
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, &cmp);
		break;
	case NO_EXEC:
		cmp = (struct scmp_arg_cmp){ .arg = 2, .op = SCMP_CMP_MASKED_EQ, .datum_a = PROT_EXEC, .datum_b = 0 };
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, &cmp);
		break;
	default:
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	if (rc < 0) {
		snprintf(err, errlen, "seccomp_rule_add(%s, for %s): %s", a->name, a->why, strerror(-rc));
		return -1;
	}
	return 0;
}

/* libseccomp writes BPF to an fd; a memfd brings it back into memory. */
static int export_bpf(scmp_filter_ctx ctx, struct sock_fprog *prog, char *err, size_t errlen)
{
	int fd = memfd_create("axon-seccomp", MFD_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "memfd_create: %s", strerror(errno));
		return -1;
	}
	int rc = seccomp_export_bpf(ctx, fd);
	off_t size = lseek(fd, 0, SEEK_END);
	if (rc < 0 || size <= 0 || size % (off_t)sizeof(struct sock_filter) || size > 65536) {
		snprintf(err, errlen, "seccomp_export_bpf: %s", rc < 0 ? strerror(-rc) : "unexpected program size");
		close(fd);
		return -1;
	}
	prog->filter = malloc((size_t)size);
	if (!prog->filter || pread(fd, prog->filter, (size_t)size, 0) != size) {
		snprintf(err, errlen, "reading the seccomp program back: %s", strerror(errno));
		free(prog->filter);
		close(fd);
		return -1;
	}
	prog->len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
	close(fd);
	return 0;
}

int policy_compile(struct sock_fprog *prog, char *err, size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx) {
		snprintf(err, errlen, "seccomp_init failed");
		return -1;
	}
	int rc = -1;
	/* A system call of another ABI (int 0x80, x32) kills at once. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0) {
		snprintf(err, errlen, "seccomp_attr_set(ACT_BADARCH) failed");
		goto out;
	}
	for (size_t i = 0; i < sizeof allow_list / sizeof allow_list[0]; i++)
		if (add_rule(ctx, &allow_list[i], err, errlen))
			goto out;
	rc = export_bpf(ctx, prog, err, errlen);
out:
	seccomp_release(ctx);
	return rc;
}

const char *policy_syscall_name(long nr, char *buf, size_t len)
{
	char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, (int)nr);
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "#%ld", nr);
	free(name);
	return buf;
}
