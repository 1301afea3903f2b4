/*
 * isolate - a process cannot read or write another's pages (a test).
 *
 *	isolate read | write
 *
 * The parent forks a child, then grows its own heap by a page and fills
 * it: the page exists in the parent only.  It sends the page's address
 * over a pipe; the child reads (or writes) it, which libos-unix must
 * answer with a trap that kills the child.  The parent prints "isolate:
 * child killed" if wait reports the child killed (-1), checks its own page
 * is untouched, and exits 0; if the child got through, the child prints
 * what it saw and the parent exits 1.
 */
#include "kernel/types.h"
#include "user/user.h"

#define ISOLATE_MAGIC	0x5eaf00d

int
main(int argc, char *argv[])
{
	int		fds[2], pid, status, wr;
	volatile int	*p;
	char		*page;

	if (argc != 2 || (strcmp(argv[1], "read") != 0 &&
	    strcmp(argv[1], "write") != 0)) {
		fprintf(2, "usage: isolate read | write\n");
		exit(2);
	}
	wr = argv[1][0] == 'w';
	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		fprintf(2, "isolate: pipe or fork failed\n");
		exit(1);
	}
	if (pid == 0) {
		close(fds[1]);
		if (read(fds[0], &p, sizeof p) != sizeof p)
			exit(4);
		if (wr) {
			*p = 1;
			printf("isolate: child wrote the parent's page\n");
		} else
			printf("isolate: child read %x\n", *p);
		exit(0);
	}
	close(fds[0]);
	/* A fresh page beyond anything the child has. */
	if ((page = sbrk(2 * 4096)) == (char *)-1) {
		fprintf(2, "isolate: sbrk failed\n");
		exit(1);
	}
	p = (volatile int *)(page + 4096);
	*p = ISOLATE_MAGIC;
	write(fds[1], &p, sizeof p);
	close(fds[1]);
	if (wait(&status) != pid) {
		fprintf(2, "isolate: wait failed\n");
		exit(1);
	}
	if (*p != ISOLATE_MAGIC) {
		printf("isolate: the parent's page changed\n");
		exit(1);
	}
	if (status != -1) {
		printf("isolate: child not killed (status %d)\n", status);
		exit(1);
	}
	printf("isolate: child killed\n");
	exit(0);
}
