/* The whole Linux policy of a sandbox worker, in two short lists. While it
 * loads its plugin (the loader policy), a worker may read and map files (the
 * ones Landlock lets it reach, read-only) and nothing else: no sockets, no
 * writes to files, no new processes, no exec. Then, before any block runs,
 * the block policy is stacked on top: a block computes on JSON and its only
 * way out is its channel to the daemon. Every call not in a list traps
 * (SIGSYS): the worker reports it by name as a violation and exits; so does a
 * call of another ABI (i386, x32), reported with the ABI's name. */
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

#include <linux/seccomp.h>

#include "sandbox/protocol.h"

enum arg_rule {
	ANY,     /* any arguments */
	CHANNEL, /* only on the channel: arg0 == CHILD_CHANNEL_FD */
	NO_EXEC, /* memory that is never executable: arg2 without PROT_EXEC */
	READ_ONLY_AT, /* openat without a flag that writes or creates: arg2 */
	READ_ONLY,    /* open, likewise: arg1 */
	FILTER_ONLY,  /* seccomp(SECCOMP_SET_MODE_FILTER): the block policy, stacked */
};

struct allow {
	const char *name;
	enum arg_rule rule;
	const char *why;
};

/* What computing needs: the block policy. */
static const struct allow block_list[] = {
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

/* What dlopen() needs on top of it: the loader policy, in force while a
 * plugin's file is mapped and its constructors run. The block policy is
 * stacked on it and both filters judge every call, so the loader policy also
 * allows everything the block list does (added by policy_compile). */
static const struct allow loader_list[] = {
	{ "read", ANY, "reading the plugin and its libraries" },
	{ "pread64", ANY, "reading ELF notes" },
	{ "write", CHANNEL, "frames to the daemon" },
	{ "openat", READ_ONLY_AT, "opening the plugin and its libraries, read-only" },
	{ "open", READ_ONLY, "likewise, the old call" },
	{ "close", ANY, "closing them" },
	{ "lseek", ANY, "reading ELF headers" },
	{ "fstat", ANY, "the size of a library" },
	{ "newfstatat", ANY, "likewise, and the plugin file's identity" },
	{ "stat", ANY, "likewise, the old call" },
	{ "statx", ANY, "likewise, the new call" },
	{ "access", ANY, "the loader's search path" },
	{ "faccessat", ANY, "likewise" },
	{ "faccessat2", ANY, "likewise" },
	{ "readlink", ANY, "the loader resolving $ORIGIN" },
	{ "getdents64", ANY, "listing a folder it may read (time zones, locales)" },
	{ "statfs", ANY, "libselinux's constructor (under GLib's gio, which poppler-glib needs: pdf.text) looks for selinuxfs" },
	{ "sysinfo", ANY, "qsort() asks how much memory there is" },
	{ "getcwd", ANY, "likewise" },
	{ "brk", ANY, "malloc" },
	{ "mmap", ANY, "mapping code: the one place executable memory is allowed" },
	{ "mprotect", ANY, "relocations (RELRO)" },
	{ "munmap", ANY, "free" },
	{ "mremap", ANY, "realloc" },
	{ "madvise", ANY, "free" },
	{ "futex", ANY, "libc locks" },
	{ "sched_yield", ANY, "spin locks" },
	{ "clock_gettime", ANY, "time" },
	{ "gettimeofday", ANY, "time" },
	{ "getrandom", ANY, "random numbers" },
	{ "getpid", ANY, "abort()" },
	{ "gettid", ANY, "abort()" },
	{ "getuid", ANY, "the loader's secure-mode check" },
	{ "geteuid", ANY, "likewise" },
	{ "getgid", ANY, "likewise" },
	{ "getegid", ANY, "likewise" },
	{ "rt_sigprocmask", ANY, "abort()" },
	{ "rt_sigreturn", ANY, "returning from a signal handler" },
	{ "exit", ANY, "the end" },
	{ "exit_group", ANY, "the end" },
	{ "seccomp", FILTER_ONLY, "stacking the block policy after the load" },
#ifdef AXON_SANITIZERS
	{ "sigaltstack", ANY, "sanitizer" },
	{ "sched_getaffinity", ANY, "sanitizer" },
	{ "prctl", ANY, "sanitizer: names its threads, reads dumpable" },
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
	case READ_ONLY_AT:
	case READ_ONLY:
		cmp = (struct scmp_arg_cmp){ .arg = a->rule == READ_ONLY_AT ? 2 : 1, .op = SCMP_CMP_MASKED_EQ,
		                             .datum_a = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND,
		                             .datum_b = 0 };
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, &cmp);
		break;
	case FILTER_ONLY:
		cmp = (struct scmp_arg_cmp){ .arg = 0, .op = SCMP_CMP_EQ, .datum_a = SECCOMP_SET_MODE_FILTER, .datum_b = 0 };
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

#define NBLOCK (sizeof block_list / sizeof block_list[0])
#define NLOADER (sizeof loader_list / sizeof loader_list[0])

static int in_loader_list(const char *name)
{
	for (size_t i = 0; i < NLOADER; i++)
		if (!strcmp(loader_list[i].name, name))
			return 1;
	return 0;
}

int policy_compile(enum policy_kind kind, struct sock_fprog *prog, char *err, size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx) {
		snprintf(err, errlen, "seccomp_init failed");
		return -1;
	}
	int rc = -1;
	/* A system call of another ABI (int 0x80, x32) traps too: the handler
	 * names the ABI. A worker that blocked SIGSYS dies of it unreported,
	 * which the daemon also counts as a violation. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP) < 0) {
		snprintf(err, errlen, "seccomp_attr_set(ACT_BADARCH) failed");
		goto out;
	}
	for (size_t i = 0; i < NBLOCK; i++)
		if ((kind == POLICY_BLOCK || !in_loader_list(block_list[i].name)) && add_rule(ctx, &block_list[i], err, errlen))
			goto out;
	for (size_t i = 0; kind == POLICY_LOADER && i < NLOADER; i++)
		if (add_rule(ctx, &loader_list[i], err, errlen))
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
