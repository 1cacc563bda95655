/* Landlock: the file system a sandbox worker may still see while it loads its
 * plugin, read-only, and nothing of the network. */
#ifndef AXON_SANDBOX_LANDLOCK_H
#define AXON_SANDBOX_LANDLOCK_H
#include <stddef.h>

/* Restricts this process (and what it forks) to reading the files under each
 * of the NULL-terminated paths: no writes anywhere, no TCP bind or connect,
 * no abstract unix sockets or signals outside its domain where the kernel
 * knows how. Needs PR_SET_NO_NEW_PRIVS first. Returns 0; 1 when the kernel
 * has no Landlock (why says so: seccomp alone confines then); -1 on an error,
 * with the failed call in why. */
int landlock_read_only(const char *const *paths, char *why, size_t whylen);

/* The kernel's Landlock ABI version, or 0 with the reason in why. */
int landlock_available(char *why, size_t whylen);

#endif
