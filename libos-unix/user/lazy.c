/*
 * lazy - lazy allocation of the heap, seen from a process.
 *
 *	lazy big MiB every ticks
 *	lazy beyond
 *
 * big grows the heap by MiB and sleeps ticks ("lazy: grew"), so that a
 * test can count the frames libos-unix holds; touches one page in every
 * `every', checking that it reads as zero and keeps what it is given,
 * and sleeps again ("lazy: touched N pages, all zero"); shrinks the heap
 * back and sleeps a third time ("lazy: shrunk").
 *
 * beyond runs three children: one touches the page after its break, one
 * a page it gave back with a negative sbrk, one a page inside its break;
 * the first two must be killed, the third exits 0.
 */
#include "kernel/types.h"
#include "user/user.h"

#define PAGE	4096

static int
lazy_big(int mib, int every, int ticks)
{
	char	*heap, *p;
	long	 len = (long)mib * 1024 * 1024, off;
	int	 n = 0;

	if ((heap = sbrk((int)len)) == (char *)-1) {
		fprintf(2, "lazy: sbrk of %d MiB failed\n", mib);
		return (1);
	}
	printf("lazy: grew %d MiB\n", mib);
	sleep(ticks);
	for (off = 0; off < len; off += (long)every * PAGE) {
		p = heap + off;
		if (p[0] != 0 || p[PAGE - 1] != 0) {
			printf("lazy: page at %ld not zero\n", off);
			return (1);
		}
		p[0] = (char)(off / PAGE);
		p[PAGE - 1] = 0x5a;
		n++;
	}
	for (off = 0; off < len; off += (long)every * PAGE)
		if (heap[off] != (char)(off / PAGE) ||
		    heap[off + PAGE - 1] != 0x5a) {
			printf("lazy: page at %ld lost its bytes\n", off);
			return (1);
		}
	printf("lazy: touched %d pages, all zero\n", n);
	sleep(ticks);
	if (sbrk((int)-len) != heap + len) {
		printf("lazy: shrinking failed\n");
		return (1);
	}
	printf("lazy: shrunk\n");
	sleep(ticks);
	return (0);
}

/* A child doing what, its status as wait gives it. */
static int
lazy_child(int what)
{
	volatile char	*p;
	int		 pid, st;

	if ((pid = fork()) < 0)
		return (-2);
	if (pid == 0) {
		p = sbrk(2 * PAGE);
		p[0] = 1;
		p[PAGE] = 2;
		switch (what) {
		case 0:		/* the page after the break */
			p[3 * PAGE] = 3;
			break;
		case 1:		/* a page given back */
			sbrk(-PAGE);
			p[PAGE] = 3;
			break;
		default:	/* inside: fine */
			p[PAGE + 1] = 3;
			break;
		}
		exit(0);
	}
	if (wait(&st) != pid)
		return (-2);
	return (st);
}

int
main(int argc, char *argv[])
{
	if (argc == 5 && strcmp(argv[1], "big") == 0 && atoi(argv[2]) > 0 &&
	    atoi(argv[2]) <= 1000 && atoi(argv[3]) > 0)
		exit(lazy_big(atoi(argv[2]), atoi(argv[3]), atoi(argv[4])));
	if (argc == 2 && strcmp(argv[1], "beyond") == 0) {
		printf("lazy: beyond the break: %s\n",
		    lazy_child(0) == -1 ? "killed" : "NOT killed");
		printf("lazy: a page given back: %s\n",
		    lazy_child(1) == -1 ? "killed" : "NOT killed");
		printf("lazy: inside the break: %s\n",
		    lazy_child(2) == 0 ? "fine" : "killed");
		printf("lazy: the parent goes on\n");
		exit(0);
	}
	fprintf(2, "usage: lazy big MiB every ticks | lazy beyond\n");
	exit(2);
}
