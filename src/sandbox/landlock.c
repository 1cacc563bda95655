#include "sandbox/landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/landlock.h>

/* The kernel's structures as of ABI 6; Debian 12's headers stop at ABI 2,
 * and the kernel takes the size we pass, so older kernels see a prefix. */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

#define FS_ALL_ABI1 ((1ULL << 13) - 1)
#define FS_REFER (1ULL << 13)    /* ABI 2 */
#define FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#define FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#define NET_BIND_TCP (1ULL << 0)  /* ABI 4 */
#define NET_CONNECT_TCP (1ULL << 1)
#define SCOPE_ABSTRACT_UNIX (1ULL << 0) /* ABI 6 */
#define SCOPE_SIGNAL (1ULL << 1)

#define READ_FILE (1ULL << 2)
#define READ_DIR (1ULL << 3)

static int add_path(int ruleset, const char *path, uint64_t handled, char *why, size_t whylen)
{
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : (snprintf(why, whylen, "open(%s, O_PATH): %s", path, strerror(errno)), -1);
	struct stat st;
	uint64_t allowed = READ_FILE | READ_DIR;
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		allowed = READ_FILE;
	struct landlock_path_beneath_attr pb = { .allowed_access = allowed & handled, .parent_fd = fd };
	long rc = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	int saved = errno;
	close(fd);
	if (rc < 0) {
		snprintf(why, whylen, "landlock_add_rule(%s): %s", path, strerror(saved));
		return -1;
	}
	return 0;
}

int landlock_available(char *why, size_t whylen)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1) {
		snprintf(why, whylen, "this kernel has no Landlock (%s)", strerror(errno));
		return 0;
	}
	return (int)abi;
}

int landlock_read_only(const char *const *paths, char *why, size_t whylen)
{
	int abi = landlock_available(why, whylen);
	if (abi < 1)
		return 1;
	struct ruleset_attr attr = { .handled_access_fs = FS_ALL_ABI1 };
	size_t size = sizeof attr.handled_access_fs;
	if (abi >= 2)
		attr.handled_access_fs |= FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= FS_TRUNCATE;
	if (abi >= 4) {
		attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP;
		size = offsetof(struct ruleset_attr, scoped);
	}
	if (abi >= 5)
		attr.handled_access_fs |= FS_IOCTL_DEV;
	if (abi >= 6) {
		attr.scoped = SCOPE_ABSTRACT_UNIX | SCOPE_SIGNAL;
		size = sizeof attr;
	}
	int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (ruleset < 0) {
		snprintf(why, whylen, "landlock_create_ruleset: %s", strerror(errno));
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; paths[i] && rc == 0; i++)
		rc = add_path(ruleset, paths[i], attr.handled_access_fs, why, whylen);
	if (rc == 0 && syscall(SYS_landlock_restrict_self, ruleset, 0) < 0) {
		snprintf(why, whylen, "landlock_restrict_self: %s", strerror(errno));
		rc = -1;
	}
	close(ruleset);
	return rc;
}
