/*
 * kt_exec - exec of a malformed program fails and leaves the caller as
 * it was (a test of the libOS: t/unix-kern.t).
 *
 *	kt_exec program ...
 *
 * Fills a page of heap, a stack buffer and a descriptor with known
 * contents, then execs each program in turn, which must fail.  After
 * each failure it checks that all three are untouched and prints
 * "kt_exec: NAME refused, intact"; if an exec succeeds, the program runs
 * instead, and the test sees its output.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
	char	 stackbuf[256];
	char	*heap, *args[2];
	int	 i, j, fd, ok;

	heap = sbrk(4096);
	for (j = 0; j < 4096; j++)
		heap[j] = (char)(j * 7);
	for (j = 0; j < (int)sizeof stackbuf; j++)
		stackbuf[j] = (char)(j ^ 0x5a);
	fd = open("kt_exec", O_RDONLY);
	for (i = 1; i < argc; i++) {
		args[0] = argv[i];
		args[1] = 0;
		if (exec(argv[i], args) != -1) {
			printf("kt_exec: %s: exec returned\n", argv[i]);
			exit(1);
		}
		ok = 1;
		for (j = 0; j < 4096; j++)
			ok &= heap[j] == (char)(j * 7);
		for (j = 0; j < (int)sizeof stackbuf; j++)
			ok &= stackbuf[j] == (char)(j ^ 0x5a);
		ok &= fd >= 0 && read(fd, stackbuf, 0) == 0;
		printf("kt_exec: %s refused, %s\n", argv[i],
		    ok ? "intact" : "damaged");
	}
	exit(0);
}
