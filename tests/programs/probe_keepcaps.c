/*
 * probe_keepcaps - privileges dropped as setpriv(1) and privilege-
 * separating daemons drop them: keep capabilities across setresuid()
 * (PR_SET_KEEPCAPS, a flag of the calling thread), raise CAP_SETGID
 * again from the permitted set with capset() (capabilities, too, are the
 * calling thread's), then setresgid() and setgroups(). glibc has every
 * thread of the process make each set*id() call and aborts the process
 * when their results differ. Then a thread allocates. It prints what each
 * call gave and the ids at the end. As another user than root it says so
 * and stops.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *volatile sink;

static const char *err(long r)
{
	return r >= 0 ? "ok" : strerrorname_np(errno);
}

static void *work(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		sink = malloc(64 + i);
		free(sink);
	}
	return NULL;
}

int main(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	pthread_t t;

	if (geteuid() != 0) {
		printf("not root: nothing to drop\n");
		return 0;
	}
	work(NULL);
	printf("keepcaps: %s\n", err(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)));
	printf("setresuid: %s\n", err(setresuid(65534, 65534, 65534)));
	long r = syscall(SYS_capget, &h, d);

	printf("capget: %s\n", err(r));
	d[0].effective = d[0].permitted; /* CAP_SETGID among them */
	printf("capset: %s\n", err(syscall(SYS_capset, &h, d)));
	printf("setresgid: %s\n", err(setresgid(65534, 65534, 65534)));
	printf("setgroups: %s\n", err(setgroups(0, NULL)));
	d[0].effective = d[0].permitted = d[0].inheritable = 0;
	d[1] = d[0];
	printf("capset, none: %s\n", err(syscall(SYS_capset, &h, d)));
	printf("setgid back to 0: %s\n", err(setgid(0)));
	if (pthread_create(&t, NULL, work, NULL) || pthread_join(t, NULL))
		return 1;
	printf("uid %d gid %d euid %d egid %d groups %d\n", (int)getuid(),
	       (int)getgid(), (int)geteuid(), (int)getegid(),
	       getgroups(0, NULL));
	return 0;
}
