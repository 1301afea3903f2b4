/*
 * rawsys - try to reach the host kernel directly (a test of libos-unix).
 *
 *	rawsys write		a raw Linux write(2) of "RAWSYS-REACHED-HOST"
 *				to the host's descriptor 1
 *	rawsys open path	a raw Linux open(2) creating path on the host
 *	rawsys getpid		a raw Linux getpid(2)
 *
 * Each executes the syscall instruction itself, not through libos-unix's
 * gate.  libos-unix must trap it and kill the process: if the process is
 * still alive afterwards it prints "rawsys: survived" and exits 3, so a
 * test can tell "killed" (wait's status -1) from "got through".
 */
#include "kernel/types.h"
#include "user/user.h"

/* Linux x86-64 system-call numbers: the host's, not libos-unix's. */
#define LINUX_WRITE	1
#define LINUX_OPEN	2
#define LINUX_GETPID	39
#define LINUX_O_CREAT_WRONLY	0101

static long
rawsys_call(long nr, long a, long b, long c)
{
	long	ret;

	__asm__ volatile("syscall"
	    : "=a"(ret)
	    : "a"(nr), "D"(a), "S"(b), "d"(c)
	    : "rcx", "r11", "memory");
	return ret;
}

int
main(int argc, char *argv[])
{
	static const char	msg[] = "RAWSYS-REACHED-HOST\n";

	if (argc == 2 && strcmp(argv[1], "write") == 0)
		rawsys_call(LINUX_WRITE, 1, (long)msg, sizeof msg - 1);
	else if (argc == 3 && strcmp(argv[1], "open") == 0)
		rawsys_call(LINUX_OPEN, (long)argv[2], LINUX_O_CREAT_WRONLY,
		    0644);
	else if (argc == 2 && strcmp(argv[1], "getpid") == 0)
		rawsys_call(LINUX_GETPID, 0, 0, 0);
	else {
		fprintf(2, "usage: rawsys write | open path | getpid\n");
		exit(2);
	}
	printf("rawsys: survived\n");
	exit(3);
}
