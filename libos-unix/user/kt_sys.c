/*
 * kt_sys - every system call of libos-unix, its success and its failure
 * (a test of the libOS: t/unix-kern.t).
 *
 *	kt_sys
 *
 * Prints "kt_sys: not ok WHAT" for each check that fails and, at the end,
 * "kt_sys: ok" if none did; exits 0 or 1.  Bad pointers are of three
 * kinds: below the region, inside it but unmapped, and the libOS's own
 * memory (outside the region): each must give -1, never a crash.
 */
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "kernel/procinfo.h"
#include "kernel/memlayout.h"
#include "user/user.h"

static int	kt_failed;

static void
kt_check(int cond, const char *what)
{
	if (!cond) {
		printf("kt_sys: not ok %s\n", what);
		kt_failed++;
	}
}

/* Three pointers no call may accept. */
static char *const kt_bad[] = {
	(char *)0x1000,				/* below the region */
	(char *)(UNIX_REGION_BASE + 0x30000000UL), /* in it, unmapped */
	(char *)0x7fff00000000UL,		/* outside it */
};
#define KT_NBAD	(int)(sizeof kt_bad / sizeof kt_bad[0])

static void
kt_files(void)
{
	struct stat	st;
	char		buf[64];
	int		fd, fd2, i, fds[2];

	fd = open("echo", O_RDONLY);
	kt_check(fd >= 0, "open a program");
	kt_check(read(fd, buf, 4) == 4 && buf[0] == 0x7f && buf[1] == 'E',
	    "read a program's first bytes");
	kt_check(fstat(fd, &st) == 0 && st.type == T_FILE && st.size > 0,
	    "fstat a program");
	kt_check(write(fd, "x", 1) == -1, "write to a read-only file");
	fd2 = dup(fd);
	kt_check(fd2 > fd, "dup gives the lowest free descriptor");
	kt_check(close(fd2) == 0 && close(fd) == 0, "close");
	kt_check(close(fd) == -1, "close of a closed descriptor");
	kt_check(close(-1) == -1 && close(NOFILE) == -1,
	    "close out of range");
	kt_check(read(NOFILE + 3, buf, 1) == -1, "read of a bad descriptor");
	kt_check(write(-5, buf, 1) == -1, "write of a bad descriptor");
	kt_check(dup(99) == -1, "dup of a bad descriptor");
	kt_check(fstat(77, &st) == -1, "fstat of a bad descriptor");
	kt_check(open("nosuch", O_RDONLY) == -1, "open of a missing file");
	kt_check(open("echo", O_RDONLY | 0x10000) == -1,
	    "open with an unknown flag");
	kt_check(open("/", O_WRONLY) == -1 && open("/", O_RDWR) == -1,
	    "a directory does not open for writing");
	kt_check(open("echo", 3) == -1, "open with a bad mode");
	fd = open("/", O_RDONLY);
	kt_check(fd >= 0 && fstat(fd, &st) == 0 && st.type == T_DIR,
	    "open and fstat the root directory");
	close(fd);
	fd = open("console", O_RDWR);
	kt_check(fd >= 0 && fstat(fd, &st) == 0 && st.type == T_DEVICE,
	    "open the console");
	kt_check(write(fd, "", 0) == 0, "write of nothing");
	close(fd);
	kt_check(mknod("console", 1, 0) == -1, "mknod of an existing name");
	kt_check(unlink("nosuch") == -1, "unlink of a missing name");
	kt_check(link("nosuch", "nosuch2") == -1, "link of a missing name");
	kt_check(link("echo", "cat") == -1, "link onto an existing name");
	kt_check(mkdir("/") == -1 && mkdir("echo") == -1,
	    "mkdir of an existing name");
	kt_check(unlink("/") == -1 && unlink(".") == -1 &&
	    unlink("..") == -1, "unlink of /, . and ..");
	kt_check(chdir("/") == 0 && chdir(".") == 0, "chdir to /");
	kt_check(chdir("nosuchdir") == -1 && chdir("echo") == -1,
	    "chdir to what is not a directory");

	for (i = 0; i < KT_NBAD; i++) {
		fd = open("echo", O_RDONLY);
		kt_check(read(fd, kt_bad[i], 16) == -1, "read to a bad buffer");
		kt_check(write(1, kt_bad[i], 16) == -1,
		    "write from a bad buffer");
		kt_check(fstat(fd, (struct stat *)kt_bad[i]) == -1,
		    "fstat to a bad buffer");
		kt_check(open(kt_bad[i], O_RDONLY) == -1, "open a bad path");
		kt_check(exec(kt_bad[i], (char **)kt_bad[i]) == -1,
		    "exec a bad path");
		kt_check(pipe((int *)kt_bad[i]) == -1, "pipe to a bad array");
		kt_check(wait((int *)kt_bad[i]) == -1, "wait with no child");
		close(fd);
	}
	kt_check(pipe(fds) == 0, "pipe");
	kt_check(write(fds[1], "abc", 3) == 3, "write to a pipe");
	kt_check(read(fds[0], buf, sizeof buf) == 3 && buf[2] == 'c',
	    "read from a pipe");
	close(fds[1]);
	kt_check(read(fds[0], buf, sizeof buf) == 0,
	    "end of file when the writer is gone");
	close(fds[0]);
	kt_check(pipe(fds) == 0, "pipe again");
	close(fds[0]);
	kt_check(write(fds[1], "abc", 3) == -1, "write with no reader");
	close(fds[1]);
	for (i = 0; i < NOFILE; i++)
		if (open("echo", O_RDONLY) < 0)
			break;
	kt_check(i < NOFILE && open("echo", O_RDONLY) == -1,
	    "open fails when every descriptor is used");
	for (i = 3; i < NOFILE; i++)
		close(i);
}

static void
kt_procs(void)
{
	struct procinfo	pi;
	char		*argv[] = { "nosuch", 0 };
	char		*p, *q;
	int		pid, pid2, st, t0, i, found;

	kt_check(getpid() > 0, "getpid");
	kt_check(nop() == 0, "the null call");
	pid = fork();
	if (pid == 0)
		exit(getpid() == pid ? 9 : 3);
	kt_check(pid > 0 && pid != getpid(), "fork: the parent sees the pid");
	kt_check(wait(&st) == pid && st == 3,
	    "wait: the child's pid and status");
	kt_check(wait(&st) == -1, "wait with no child left");
	pid = fork();
	if (pid == 0) {
		for (;;)
			sleep(1);
	}
	kt_check(kill(pid) == 0, "kill a child");
	kt_check(wait(&st) == pid && st == -1, "a killed child's status is -1");
	kt_check(kill(pid) == -1, "kill of a reaped pid");
	kt_check(kill(-1) == -1 && kill(0) == -1, "kill of no process");
	kt_check(exec("nosuch", argv) == -1, "exec of a missing program");
	t0 = uptime();
	kt_check(sleep(3) == 0 && uptime() - t0 >= 3, "sleep and uptime");
	kt_check(sleep(-1) == 0, "sleep of a negative time");
	p = sbrk(0);
	q = sbrk(8192);
	kt_check(p == q, "sbrk returns the old break");
	q[0] = 1;
	q[8191] = 2;
	kt_check(sbrk(0) == p + 8192, "sbrk moves the break");
	kt_check(sbrk(-8192) == p + 8192 && sbrk(0) == p, "sbrk shrinks");
	kt_check(sbrk(0x7fffffff) == (char *)-1, "sbrk past the stack fails");
	kt_check(sbrk(-0x7fffffff) == (char *)-1, "sbrk below the heap fails");
	found = 0;
	for (i = 0; (st = procinfo(i, &pi)) >= 0; i++)
		if (st == 1 && pi.pid == getpid() &&
		    pi.state == PROC_RUNNING && strcmp(pi.name, "kt_sys") == 0)
			found = 1;
	kt_check(found && i == NPROC, "procinfo finds the caller, running");
	kt_check(procinfo(0, (struct procinfo *)kt_bad[1]) == -1,
	    "procinfo to a bad buffer");
	kt_check(procinfo(-1, &pi) == -1, "procinfo out of range");
	pid = fork();
	if (pid == 0) {
		pid2 = fork();
		exit(pid2 > 0 ? 0 : 1);
	}
	kt_check(wait(&st) == pid && st == 0, "a grandchild is reparented");
}

int
main(void)
{
	kt_files();
	kt_procs();
	if (kt_failed == 0)
		printf("kt_sys: ok\n");
	exit(kt_failed ? 1 : 0);
}
