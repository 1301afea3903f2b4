/*
 * bigheap - a big process forks (a test of copy-on-write fork's cost).
 *
 *	bigheap MiB [ticks]
 *
 * Grows the heap by MiB, writes every page, prints "bigheap: MiB MiB
 * written", forks a child that sleeps ticks (default 0), touches one
 * page and exits, waits for it and prints "bigheap: forked and reaped".
 * While the child sleeps a test can count the frames libos-unix holds:
 * copy-on-write means far fewer new ones than the heap has pages.
 */
#include "kernel/types.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
	int	mib, ticks = 0, pages, i, pid, status;
	char	*heap;

	if (argc < 2 || argc > 3 || (mib = atoi(argv[1])) < 1 ||
	    mib > 512) {
		fprintf(2, "usage: bigheap MiB [ticks]\n");
		exit(2);
	}
	if (argc == 3)
		ticks = atoi(argv[2]);
	pages = mib * 256;
	if ((heap = sbrk(pages * 4096)) == (char *)-1) {
		fprintf(2, "bigheap: sbrk of %d MiB failed\n", mib);
		exit(1);
	}
	for (i = 0; i < pages; i++)
		heap[i * 4096] = (char)i;
	printf("bigheap: %d MiB written\n", mib);
	if ((pid = fork()) < 0) {
		fprintf(2, "bigheap: fork failed\n");
		exit(1);
	}
	if (pid == 0) {
		if (ticks > 0)
			sleep(ticks);
		heap[0] = 1;
		exit(heap[4096] == 1 ? 0 : 1);
	}
	if (wait(&status) != pid || status != 0) {
		fprintf(2, "bigheap: the child failed\n");
		exit(1);
	}
	printf("bigheap: forked and reaped\n");
	exit(0);
}
